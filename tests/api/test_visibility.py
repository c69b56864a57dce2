"""Unpublished records never reach partners; editors and analysts see them marked as drafts."""

import pytest

from .conftest import assert_error, make_user, results, slugs, token_client

pytestmark = pytest.mark.django_db

HIDDEN_NAMES = [
    "Secret lithium deal",
    "Lithium offtake",
    "Lithium talks",
    "Draft offtake",
    "Unannounced",
]


@pytest.mark.parametrize(
    "resource", ["deals", "agreements", "amounts", "events", "parties", "companies", "deposits"]
)
def test_no_partner_list_mentions_a_draft_or_what_it_hides(world, partner_client, resource):
    body = partner_client.get(f"/api/v1/{resource}/?page_size=500").content.decode()
    for name in HIDDEN_NAMES:
        assert name not in body
    csv = b"".join(partner_client.get(f"/api/v1/{resource}/?format=csv").streaming_content)
    for name in HIDDEN_NAMES:
        assert name not in csv.decode()


def test_partner_lists_hold_only_published_records(world, partner_client):
    assert slugs(partner_client.get("/api/v1/deals/")) == [world.deal.slug]
    assert slugs(partner_client.get("/api/v1/agreements/")) == [world.agreement.slug]
    assert set(slugs(partner_client.get("/api/v1/amounts/"))) == {
        world.usd.slug,
        world.kzt.slug,
        world.eur.slug,
    }
    assert set(slugs(partner_client.get("/api/v1/events/"))) == {
        world.summit.slug,
        world.discovery.slug,
    }


@pytest.mark.parametrize(
    "path",
    [
        "deals/{w.draft_deal.slug}",
        "agreements/{w.hidden_agreement.slug}",
        "agreements/{w.draft_agreement.slug}",
        "amounts/{w.hidden_amount.slug}",
        "amounts/{w.draft_amount.slug}",
        "events/{w.hidden_event.slug}",
        "events/{w.draft_event.slug}",
    ],
)
def test_partner_details_of_drafts_are_404(world, partner_client, path):
    assert_error(partner_client.get(f"/api/v1/{path.format(w=world)}/"), 404)


def test_nested_lists_hide_drafts_from_partners(world, partner_client):
    deal = partner_client.get(f"/api/v1/deals/{world.deal.slug}/").json()
    assert world.draft_agreement.slug not in [a["slug"] for a in deal["agreements"]]
    assert world.draft_amount.slug not in [a["slug"] for a in deal["amounts"]]
    assert world.draft_event.slug not in [e["slug"] for e in deal["events"]]
    lithium = partner_client.get(f"/api/v1/deposits/{world.lithium_field.slug}/").json()
    assert lithium["deals"] == []
    outsider = partner_client.get(f"/api/v1/companies/{world.outsider.slug}/").json()
    assert outsider["agreements"] == []


def test_a_draft_deals_slug_is_unknown_to_partner_filters(world, partner_client):
    error = assert_error(
        partner_client.get(f"/api/v1/agreements/?deal={world.draft_deal.slug}"), 400
    )
    assert "deal" in error["fields"]


def test_partner_company_filters_ignore_draft_links(world, partner_client):
    # The outsider is a party only to an agreement of the draft deal.
    response = partner_client.get(f"/api/v1/deposits/?company={world.outsider.slug}")
    assert results(response) == []
    assert results(partner_client.get(f"/api/v1/deals/?company={world.outsider.slug}")) == []


def test_editors_see_drafts_marked_as_such(world, editor_client):
    deals = {d["slug"]: d for d in results(editor_client.get("/api/v1/deals/"))}
    assert deals[world.draft_deal.slug]["publication"] == "draft"
    agreements = {a["slug"]: a for a in results(editor_client.get("/api/v1/agreements/"))}
    assert agreements[world.draft_agreement.slug]["publication"] == "draft"
    assert world.hidden_agreement.slug in agreements
    detail = editor_client.get(f"/api/v1/amounts/{world.draft_amount.slug}/")
    assert detail.json()["publication"] == "draft"
    drafts = editor_client.get("/api/v1/agreements/?publication=draft")
    assert slugs(drafts) == [world.draft_agreement.slug]


def test_analysts_see_drafts_too(world, analyst_client):
    assert world.draft_deal.slug in slugs(analyst_client.get("/api/v1/deals/"))


def test_a_publisher_alone_sees_the_drafts_it_must_review(world):
    publisher = token_client(make_user("publisher"))
    assert world.draft_deal.slug in slugs(publisher.get("/api/v1/deals/"))
