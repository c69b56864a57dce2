"""Published records are changed or deleted by publishers only, whatever the resource."""

import pytest

from deals.models import AgreementParty, Amount, Revision

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def pending(record) -> list[dict]:
    """The rows of the pending revisions of ``record``."""
    revisions = Revision.objects.filter(object_id=record.pk, status="pending")
    return [item for r in revisions if r.record == record for item in r.changes]


def test_an_editors_change_to_a_published_amount_waits_for_a_publisher(world, editor_client):
    url = f"/api/v1/amounts/{world.usd.slug}/"
    response = editor_client.patch(url, {"value": "1"}, format="json")
    assert response.status_code == 202, response.content
    assert "Sent for review" in response.json()["detail"]
    assert Amount.objects.get(pk=world.usd.pk).value == world.usd.value
    [item] = pending(world.usd)
    assert (item["action"], item["fields"]) == ("change", {"value": "1"})


def test_an_editors_deletes_of_published_rows_wait_for_a_publisher(world, editor_client):
    assert editor_client.delete(f"/api/v1/amounts/{world.kzt.slug}/").status_code == 202
    assert editor_client.delete(f"/api/v1/parties/{world.tks_party.pk}/").status_code == 202
    assert Amount.objects.filter(pk=world.kzt.pk).exists()
    assert AgreementParty.objects.filter(pk=world.tks_party.pk).exists()
    assert [i["action"] for i in pending(world.kzt)] == ["delete"]
    assert [i["model"] for i in pending(world.agreement)] == ["deals.agreementparty"]


def test_an_editor_may_not_publish_or_withdraw_through_a_change(world, editor_client):
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    error = assert_error(editor_client.patch(url, {"publication": "withdrawn"}, format="json"), 403)
    assert error["code"] == "permission_denied"
    assert not Revision.objects.exists()
    assert world.agreement.parties.count() == 2


def test_a_publisher_may_change_and_delete_published_records(world, publisher_client):
    url = f"/api/v1/amounts/{world.usd.slug}/"
    response = publisher_client.patch(url, {"value": "1200000000"}, format="json")
    assert response.status_code == 200, response.content
    assert Amount.objects.get(pk=world.usd.pk).value == 1_200_000_000
    assert publisher_client.delete(f"/api/v1/parties/{world.tks_party.pk}/").status_code == 204
    assert publisher_client.delete(f"/api/v1/amounts/{world.kzt.slug}/").status_code == 204


def test_an_editor_still_writes_drafts(world, editor_client):
    url = f"/api/v1/amounts/{world.draft_amount.slug}/"
    response = editor_client.patch(url, {"value": "5"}, format="json")
    assert response.status_code == 200, response.content
    assert editor_client.delete(url).status_code == 204
