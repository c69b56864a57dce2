"""Published records are changed or deleted by publishers only, whatever the resource."""

import pytest

from deals.models import AgreementParty, Amount

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_an_editor_may_not_change_a_published_amount(world, editor_client):
    url = f"/api/v1/amounts/{world.usd.slug}/"
    error = assert_error(editor_client.patch(url, {"value": "1"}, format="json"), 403)
    assert "is published: only a publisher or an administrator may change it" in error["message"]
    assert Amount.objects.get(pk=world.usd.pk).value == world.usd.value
    full = editor_client.put(url, {**editor_client.get(url).json(), "value": "1"}, format="json")
    assert full.status_code in (400, 403)  # PUT of a published record never applies
    assert Amount.objects.get(pk=world.usd.pk).value == world.usd.value


def test_an_editor_may_not_delete_published_amounts_or_parties(world, editor_client):
    error = assert_error(editor_client.delete(f"/api/v1/amounts/{world.kzt.slug}/"), 403)
    assert "may delete it" in error["message"]
    error = assert_error(editor_client.delete(f"/api/v1/parties/{world.tks_party.pk}/"), 403)
    assert "belongs to the agreement" in error["message"]
    assert Amount.objects.filter(pk=world.kzt.pk).exists()
    assert AgreementParty.objects.filter(pk=world.tks_party.pk).exists()


def test_an_editor_may_not_change_a_published_agreements_parties(world, editor_client):
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    error = assert_error(editor_client.patch(url, {"title": "Renamed"}, format="json"), 403)
    assert error["code"] == "permission_denied"
    payload = {"agreement": world.agreement.slug, "company": world.skz.slug, "role": "partner"}
    assert_error(editor_client.post("/api/v1/parties/", payload, format="json"), 403)
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
