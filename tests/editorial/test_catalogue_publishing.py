"""Companies and sources follow the deals' draft → review → publish rules (issue 16)."""

import pytest
from django.test import Client
from django.urls import reverse

from deals import services
from deals.counting import totals
from deals.models import Amount, Company, Revision
from deals.services.revisions import withdraw
from deals.visibility import visible
from tests import factories as f

from .conftest import cite, logged_in, make_user, token_client
from .test_publishing import UNCITED

pytestmark = pytest.mark.django_db


def action(client, model, name, records):
    url = reverse(f"admin:deals_{model}_changelist")
    data = {"action": name, "_selected_action": [r.pk for r in records]}
    return client.post(url, data, follow=True)


def state(record):
    return type(record).objects.get(pk=record.pk).publication


@pytest.fixture
def wren(world):
    """A draft company, cited."""
    company = f.company("Cobalt Wren Resources", publication="draft")
    cite(company, world.source, "Cobalt Wren Resources is a trading house.")
    return company


def test_a_publisher_publishes_and_withdraws_a_company_in_the_admin(
    client, world, wren, publisher, partner
):
    reader = token_client(partner)
    url = f"/api/v1/companies/{wren.slug}/"
    assert reader.get(url).status_code == 404
    logged_in(client, publisher)
    assert "Published: company" in action(client, "company", "publish", [wren]).content.decode()
    assert reader.get(url).json()["name"] == "Cobalt Wren Resources"
    action(client, "company", "withdraw", [wren])
    assert state(wren) == "withdrawn"
    assert reader.get(url).status_code == 404
    assert reader.get(f"/companies/{wren.slug}/").status_code == 404


def test_an_uncited_company_is_not_published_and_editors_may_not_publish(
    client, world, publisher, editor
):
    bare = f.company("Bare Minerals", publication="draft")
    logged_in(client, publisher)
    assert UNCITED in action(client, "company", "publish", [bare]).content.decode()
    assert state(bare) == "draft"
    logged_in(client, editor)
    choices = client.get(reverse("admin:deals_company_changelist")).context["action_form"]
    names = [name for name, _ in choices.fields["action"].choices]
    assert "submit_for_review" in names and "publish" not in names


def test_a_source_is_published_without_citations_of_its_own_and_withdrawn(
    client, world, publisher, partner
):
    gazette = f.source(publisher="Velour Gazette", publication="draft")
    page = f"/sources/{gazette.slug}/"
    assert client.get(page).status_code == 404
    logged_in(client, publisher)
    action(client, "source", "publish", [gazette])
    assert state(gazette) == "published"
    logged_in(client, partner)
    assert "Velour Gazette" in client.get(page).content.decode()
    logged_in(client, publisher)
    action(client, "source", "withdraw", [gazette])
    logged_in(client, partner)
    assert client.get(page).status_code == 404


def test_the_api_moves_a_company_and_a_source_under_the_same_rights(
    world, wren, editor, publisher, partner
):
    gazette = f.source(publisher="Velour Gazette", publication="draft")
    as_editor, as_publisher = token_client(editor), token_client(publisher)
    company_url, source_url = f"/api/v1/companies/{wren.slug}/", f"/api/v1/sources/{gazette.slug}/"
    assert as_editor.patch(company_url, {"publication": "published"}).status_code == 403
    assert as_editor.patch(company_url, {"publication": "in_review"}).status_code == 200
    answer = as_publisher.patch(company_url, {"publication": "published"}, format="json")
    assert answer.status_code == 200 and answer.json()["name"] == "Cobalt Wren Resources"
    assert token_client(partner).get(company_url).status_code == 200
    assert as_editor.patch(company_url, {"publication": "withdrawn"}).status_code == 403
    assert as_publisher.patch(source_url, {"publication": "published"}).status_code == 200
    assert token_client(partner).get(source_url).status_code == 200
    assert as_publisher.patch(source_url, {"publication": "withdrawn"}).status_code == 200
    assert token_client(partner).get(source_url).status_code == 404
    assert (state(wren), state(gazette)) == ("published", "withdrawn")
    bare = f.company("Bare Minerals", publication="draft")
    refused = as_publisher.patch(f"/api/v1/companies/{bare.slug}/", {"publication": "published"})
    assert refused.status_code == 400 and UNCITED in refused.content.decode()


def test_a_draft_companys_party_and_money_are_hidden_from_partners(world, wren, partner, analyst):
    f.party(world.agreement, wren, stake=5)
    f.amount(world.deal, investor=wren, value=24681357)
    cite(world.deal.amounts.get(value=24681357), world.source, "Wren pledged money.")
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    seen = token_client(partner).get(url).json()
    assert [p["company"]["name"] for p in seen["parties"]] == ["Cove Capital"]
    staff = token_client(analyst).get(url).json()
    assert "Cobalt Wren Resources" in [p["company"]["name"] for p in staff["parties"]]
    amounts = token_client(partner).get(f"/api/v1/amounts/?deal={world.deal.slug}").json()
    assert 24681357 not in [float(a["value"]) for a in amounts["results"]]
    page = logged_in(Client(), partner).get(f"/deals/{world.deal.slug}/").content.decode()
    assert "Cobalt Wren" not in page
    money = visible(Amount.objects.filter(deal=world.deal), False)  # as the deal page counts
    assert totals(money, False).committed == 1_000_000  # the world's published amount only
    everything = Amount.objects.filter(deal=world.deal)
    assert totals(visible(everything, True), True).committed > 24_681_357


def test_an_editors_change_to_a_published_company_waits_as_a_revision(world, editor, client):
    company = Company.objects.get(pk=world.cove.pk)
    company.description = "Proposed description"
    services.save(editor, company)
    assert Company.objects.get(pk=company.pk).description == ""
    revision = Revision.objects.get()
    assert (revision.status, revision.record) == ("pending", world.cove)


def test_an_editor_withdraws_their_own_pending_revision(client, world, editor):
    other = f.deposit("Katpar West")
    answer = token_client(editor).patch(
        f"/api/v1/agreements/{world.agreement.slug}/", {"deposits": [other.slug]}, format="json"
    )
    assert answer.status_code == 202, answer.content
    revision = Revision.objects.get()
    url = reverse("admin:deals_revision_change", args=[revision.pk])
    page = logged_in(client, editor).get(url).content.decode()
    assert "<ins>Katpar West</ins>" in page and f"<ins>#{other.pk}" not in page  # by name
    assert "Withdraw my revision" in page
    with pytest.raises(Exception, match="Only the editor who proposed"):
        withdraw(make_user("editor"), revision)
    client.post(url, {"action": "withdraw"})
    revision.refresh_from_db()
    assert (revision.status, revision.decided_by) == ("withdrawn", editor)
    assert not world.agreement.deposits.filter(pk=other.pk).exists()
    history = client.get(reverse("admin:deals_agreement_history", args=[world.agreement.pk]))
    assert "withdrawn by its author" in history.content.decode()


def test_a_party_holding_through_a_draft_company_is_hidden_with_it(world, wren, partner):
    """The intermediary's name is the draft's: the party is not shown until it is published."""
    held = f.party(world.agreement, world.tks, role="seller", stake=10, held_via=wren)
    reader = token_client(partner)
    slugs = [p["id"] for p in reader.get("/api/v1/parties/").json()["results"]]
    assert held.pk not in slugs and world.party.pk in slugs
    assert "Cobalt Wren" not in reader.get(f"/api/v1/agreements/{world.agreement.slug}/").text
    Company.objects.filter(pk=wren.pk).update(publication="published")
    slugs = [p["id"] for p in reader.get("/api/v1/parties/").json()["results"]]
    assert held.pk in slugs


def test_ownership_of_a_deposit_is_shown_only_between_visible_records(client, world, wren):
    """A published company's draft deposit, and a draft owner of a published deposit, stay
    off the public company and deposit pages and the company API (deals.visibility)."""
    hidden = f.deposit("SECRET Hidden Deposit", publication="draft")
    shown = f.deposit("Open Pit Deposit")
    world.tks.owned_deposits.add(hidden)
    wren.owned_deposits.add(shown)
    assert "SECRET Hidden" not in client.get(f"/companies/{world.tks.slug}/").content.decode()
    assert "Cobalt Wren" not in client.get(f"/deposits/{shown.slug}/").content.decode()
    reader = token_client(make_user("partner", staff=False))
    assert "SECRET Hidden" not in reader.get(f"/api/v1/companies/{world.tks.slug}/").text
