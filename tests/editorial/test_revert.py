"""An editor reverts one change: its fields go back, other changes stay, the revert is recorded."""

import pytest
from django.urls import reverse

from deals.models import Agreement, AgreementParty
from tests import factories as f

from .conftest import logged_in, token_client

pytestmark = pytest.mark.django_db


def api_change(client, world, **data):
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    assert client.patch(url, data, format="json").status_code == 200
    return client.get(f"{url}history/").json()["results"][0]["id"]


def test_api_revert_restores_the_fields_of_that_change_and_is_recorded(world, publisher):
    client = token_client(publisher)
    change = api_change(client, world, title="Wrong title", venue="Wrong venue")
    api_change(client, world, status="binding")  # a later change, to another field
    url = f"/api/v1/agreements/{world.agreement.slug}/history/{change}/revert/"
    response = client.post(url)
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["venue"]) == ("Framework agreement", "")
    stored = Agreement.objects.get(pk=world.agreement.pk)
    assert (stored.title, stored.venue, stored.status) == ("Framework agreement", "", "binding")
    event = stored.history.select_related("pgh_context").order_by("-pgh_id").first()
    assert event.pgh_context.metadata == {
        "path": "revert",
        "user": publisher.pk,
        "url": url,
        "reverts": change,
    }
    [latest] = client.get(f"/api/v1/agreements/{world.agreement.slug}/history/?page_size=1").json()[
        "results"
    ]
    assert latest["path"] == "revert" and latest["reverts"] == change
    assert {c["field"]: c["after"] for c in latest["changes"]} == {
        "title": "Framework agreement",
        "venue": "",
    }


def test_admin_revert_asks_then_restores(client, world, publisher):
    change = api_change(token_client(publisher), world, title="Wrong title")
    logged_in(client, publisher)
    url = reverse("admin:deals_agreement_revert", args=[world.agreement.pk, change])
    confirm = client.get(url).content.decode()
    assert "<del>Framework agreement</del>" in confirm and "Yes, revert this change" in confirm
    response = client.post(url, follow=True)
    assert f"Reverted the change {change}." in response.content.decode()
    assert Agreement.objects.get(pk=world.agreement.pk).title == "Framework agreement"


def test_a_revert_is_validated_like_any_save(world, publisher):
    client = token_client(publisher)
    party = f"/api/v1/parties/{world.party.pk}/"
    assert client.patch(party, {"stake": "30"}, format="json").status_code == 200
    f.party(world.agreement, world.tks, role="state_partner", stake=60)
    change = client.get(f"{party}history/").json()["results"][0]["id"]
    response = client.post(f"{party}history/{change}/revert/")  # back to 70 %: 130 % in all
    assert response.status_code == 409  # a conflict with the stored stakes (issue 14)
    assert "more than 100 %" in response.json()["error"]["message"]
    assert AgreementParty.objects.get(pk=world.party.pk).stake == 30


def test_only_editors_revert_and_only_real_changes(world, publisher, analyst):
    change = api_change(token_client(publisher), world, title="Wrong title")
    url = f"/api/v1/agreements/{world.agreement.slug}/history/{change}/revert/"
    assert token_client(analyst).post(url).status_code == 403
    created = (
        token_client(publisher)
        .get(f"/api/v1/agreements/{world.agreement.slug}/history/")
        .json()["results"][-1]["id"]
    )
    refused = token_client(publisher).post(
        f"/api/v1/agreements/{world.agreement.slug}/history/{created}/revert/"
    )
    assert refused.status_code == 409
    missing = f"/api/v1/agreements/{world.agreement.slug}/history/agreement-999999/revert/"
    assert token_client(publisher).post(missing).status_code == 404
