"""An editor's change to a published record waits as a revision; a publisher approves or rejects."""

import pytest
from django.urls import reverse

from deals.models import Agreement, AgreementParty, Revision
from deals.services.revisions import approve, reject
from tests.editorial.conftest import change_form, logged_in, token_client

pytestmark = pytest.mark.django_db


def post_change(client, user, agreement, **changes):
    logged_in(client, user)
    url = reverse("admin:deals_agreement_change", args=[agreement.pk])
    return client.post(url, change_form(agreement, **changes), follow=True)


def test_an_editors_admin_change_to_a_published_agreement_waits_for_review(
    client, world, editor, publisher
):
    stake_field = "parties-0-stake"
    response = post_change(client, editor, world.agreement, venue="Astana", **{stake_field: "65"})
    assert "Sent for review" in response.content.decode()
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    assert agreement.venue == world.agreement.venue  # still as published
    assert AgreementParty.objects.get(pk=world.party.pk).stake == 70
    revision = Revision.objects.get()
    assert (revision.author, revision.status, revision.path) == (editor, "pending", "admin")
    models = sorted(item["model"] for item in revision.changes)
    assert models == ["deals.agreement", "deals.agreementparty"]

    logged_in(client, publisher)
    page = client.get(reverse("admin:deals_revision_change", args=[revision.pk])).content.decode()
    assert "Astana" in page and "65" in page and "Approve and publish" in page
    client.post(reverse("admin:deals_revision_change", args=[revision.pk]), {"action": "approve"})
    agreement.refresh_from_db()
    assert agreement.venue == "Astana"
    assert AgreementParty.objects.get(pk=world.party.pk).stake == 65
    revision.refresh_from_db()
    assert (revision.status, revision.decided_by) == ("approved", publisher)
    history = client.get(reverse("admin:deals_agreement_history", args=[agreement.pk]))
    assert "approved revision" in history.content.decode()


def test_a_rejection_needs_a_reason_and_the_editor_sees_it(client, world, editor, publisher):
    post_change(client, editor, world.agreement, venue="Almaty")
    revision = Revision.objects.get()
    logged_in(client, publisher)
    url = reverse("admin:deals_revision_change", args=[revision.pk])
    page = client.post(url, {"action": "reject", "reason": "  "}).content.decode()
    assert "This field is required" in page
    assert Revision.objects.get().status == "pending"
    client.post(url, {"action": "reject", "reason": "The source says Astana, not Almaty."})
    logged_in(client, editor)
    page = client.get(url).content.decode()
    assert "The source says Astana, not Almaty." in page and "rejected" in page
    assert Agreement.objects.get(pk=world.agreement.pk).venue == world.agreement.venue
    with pytest.raises(Exception, match="already rejected"):
        approve(publisher, revision)


def test_editors_may_not_decide_revisions(world, editor):
    post = token_client(editor).patch(
        f"/api/v1/agreements/{world.agreement.slug}/", {"venue": "Via API"}, format="json"
    )
    assert post.status_code == 202, post.content
    revision = Revision.objects.get()
    assert revision.path == "api"
    with pytest.raises(Exception, match="Only a publisher"):
        approve(editor, revision)
    with pytest.raises(Exception, match="Only a publisher"):
        reject(editor, revision, "no")
    assert Agreement.objects.get(pk=world.agreement.pk).venue != "Via API"


def test_comments_on_a_record(client, world, editor):
    logged_in(client, editor)
    url = reverse("admin:deals_agreement_history", args=[world.agreement.pk])
    client.post(url, {"action": "comment", "body": "Check the signing date against Kazinform."})
    page = client.get(url).content.decode()
    assert "Check the signing date against Kazinform." in page
    assert "UTC+05:00" in page
