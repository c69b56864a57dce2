"""Two editors save the same agreement: the second is told what changed, never overwrites."""

import pytest
from django.db import transaction
from django.urls import reverse

from deals import services
from deals.models import Agreement, AgreementParty
from deals.models.versioning import EditConflict

from .conftest import change_form, logged_in, token_client

pytestmark = pytest.mark.django_db


def test_second_admin_save_gets_a_conflict_listing_what_changed(client, world, publisher):
    url = reverse("admin:deals_agreement_change", args=[world.agreement.pk])
    opened = Agreement.objects.get(pk=world.agreement.pk)  # both editors open version 1
    first, second = client, client.__class__()
    logged_in(first, publisher)
    logged_in(second, publisher.__class__.objects.get(pk=publisher.pk))
    assert 'name="version" value="1"' in first.get(url).content.decode()

    assert (
        first.post(url, change_form(opened, title="Framework agreement (amended)")).status_code
        == 302
    )
    response = second.post(url, change_form(opened, status="binding"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Someone else saved this agreement while you were editing it" in text
    assert "you opened version 1; it is now at version 2" in text
    assert "title: now “Framework agreement (amended)”, yours “Framework agreement”" in text
    stored = Agreement.objects.get(pk=world.agreement.pk)
    assert (stored.title, stored.status, stored.version) == (
        "Framework agreement (amended)",
        "signed",
        2,
    )

    # The page now carries version 2: saving again is a deliberate choice, and works.
    assert 'name="version" value="2"' in text
    again = change_form(stored, status="binding")
    assert second.post(url, again).status_code == 302
    assert Agreement.objects.get(pk=world.agreement.pk).status == "binding"


def test_second_api_write_with_a_stale_if_match_gets_412_with_the_changes(world, publisher):
    client = token_client(publisher)
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"v1.') and first.json()["version"] == 1

    done = client.patch(url, {"venue": "Astana"}, format="json", HTTP_IF_MATCH=etag)
    assert done.status_code == 200 and done.json()["version"] == 2
    stale = client.patch(url, {"status": "binding"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    error = stale.json()["error"]
    assert error["code"] == "precondition_failed" and error["current_version"] == 2
    assert error["fields"] == {"venue": ["Changed since version 1: now “Astana”."]}
    assert "you opened version 1; it is now at version 2" in error["message"]
    assert Agreement.objects.get(pk=world.agreement.pk).status == "signed"

    fresh = client.get(url)["ETag"]
    assert fresh.startswith('"v2.')
    ok = client.patch(url, {"status": "binding"}, format="json", HTTP_IF_MATCH=fresh)
    assert ok.status_code == 200 and ok.json()["status"] == "binding"
    assert (
        client.patch(url, {"venue": "Almaty"}, format="json", HTTP_IF_MATCH="3").status_code == 200
    )


def test_if_match_is_optional_but_must_name_a_version(world, publisher):
    client = token_client(publisher)
    url = f"/api/v1/amounts/{world.amount.slug}/"
    assert client.patch(url, {"value": "5"}, format="json").status_code == 200
    bad = client.patch(url, {"value": "6"}, format="json", HTTP_IF_MATCH='"nonsense"')
    assert bad.status_code == 412 and "If-Match" in bad.json()["error"]["fields"]


def test_a_versioned_etag_still_answers_304(world, partner):
    client = token_client(partner)
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    etag = client.get(url)["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag


def test_a_stale_copy_cannot_overwrite_a_newer_save(world):
    mine = Agreement.objects.get(pk=world.agreement.pk)
    theirs = Agreement.objects.get(pk=world.agreement.pk)
    theirs.title = "Theirs"
    theirs.save()
    mine.title = "Mine"
    with pytest.raises(EditConflict) as conflict, transaction.atomic():
        mine.save()
    assert (conflict.value.expected, conflict.value.current) == (1, 2)
    assert Agreement.objects.get(pk=world.agreement.pk).title == "Theirs"


def test_a_stale_inline_row_is_a_conflict_beside_the_row_and_nothing_is_saved(
    client, world, publisher
):
    url = reverse("admin:deals_agreement_change", args=[world.agreement.pk])
    stale = change_form(Agreement.objects.get(pk=world.agreement.pk))  # page opened: stake 70
    party = AgreementParty.objects.get(pk=world.party.pk)
    party.stake = 65  # someone saves the party on its own page meanwhile
    services.save(publisher, party)

    logged_in(client, publisher)
    stale.update({"parties-0-role": "partner", "title": "Framework agreement (new title)"})
    response = client.post(url, stale)
    assert response.status_code == 200
    text = response.content.decode()
    # The tabular inline shows a row's errors on the line just above the row.
    row = text[text.index('id="parties-group"') : text.index('id="parties-empty"')]
    assert "Someone else saved this agreement party while you were editing it" in row
    assert "stake (%): now “65”, yours “70”" in row
    stored = AgreementParty.objects.get(pk=world.party.pk)
    assert (stored.stake, stored.role, stored.version) == (65, world.party.role, 2)
    assert Agreement.objects.get(pk=world.agreement.pk).title == "Framework agreement"
    assert 'name="parties-0-version" value="2"' in row  # saving again is deliberate

    again = client.post(url, {**stale, "parties-0-version": "2", "parties-0-stake": "65"})
    assert again.status_code == 302
    stored = AgreementParty.objects.get(pk=world.party.pk)
    assert (stored.stake, stored.role) == (65, "partner")
