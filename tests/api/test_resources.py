"""Each resource lists brief forms of related records; details add everything, with citations."""

import pytest

from .conftest import assert_error, results, slugs

pytestmark = pytest.mark.django_db

LOOSE_NOV_2025 = {"date": "2025-11-01", "precision": "month", "display": "November 2025"}


def test_agreement_list_item_carries_deal_parties_and_a_loose_signing_date(world, partner_client):
    [item] = results(partner_client.get("/api/v1/agreements/"))
    assert item["slug"] == world.agreement.slug
    assert item["deal"] == {
        "slug": world.deal.slug,
        "name": "Tungsten project",
        "publication": "published",
    }
    assert item["signed"] == LOOSE_NOV_2025
    assert item["announced"] is None
    assert [(p["company"]["name"], p["role"], p["stake"]) for p in item["parties"]] == [
        ("Cove Capital", "investor", "70.000"),
        ("Tau-Ken Samruk", "state_partner", "30.000"),
    ]
    assert item["parties"][0]["held_via"]["name"] == "Cove Kazakhstan"
    assert [d["name"] for d in item["deposits"]] == ["Severny Katpar"]
    assert "citations" not in item


def test_agreement_detail_has_citations_amounts_and_events(world, partner_client):
    detail = partner_client.get(f"/api/v1/agreements/{world.agreement.slug}/").json()
    [citation] = detail["citations"]
    assert citation["quote"].startswith("Документ был подписан")
    assert citation["field"] == "signed_on"
    assert citation["source"] == {
        "slug": world.source.slug,
        "publisher": "Kazinform",
        "title": "Agreement signed in Washington",
        "url": "",
        "language": "ru",
        "published": "2025-11-07",
    }
    assert [a["slug"] for a in detail["amounts"]] == [world.usd.slug]
    assert [e["slug"] for e in detail["events"]] == [world.summit.slug]
    assert all("citations" in party for party in detail["parties"])


def test_deal_list_and_detail(world, partner_client):
    [item] = results(partner_client.get("/api/v1/deals/"))
    assert item["name_ru"] == "Вольфрамовый проект"
    assert [d["name"] for d in item["deposits"]] == ["Severny Katpar", "Upper Kairakty"]
    assert [c["code"] for c in item["commodities"]] == ["W"]
    detail = partner_client.get(f"/api/v1/deals/{world.deal.slug}/").json()
    assert detail["summary"] == "Katpar works."
    assert [a["slug"] for a in detail["agreements"]] == [world.agreement.slug]
    assert {a["slug"] for a in detail["amounts"]} == {
        world.usd.slug,
        world.kzt.slug,
        world.eur.slug,
    }
    assert detail["citations"][0]["quote"].startswith("Проект освоения")


def test_deposit_list_and_detail(world, partner_client):
    items = results(partner_client.get("/api/v1/deposits/"))
    katpar = next(i for i in items if i["slug"] == world.katpar.slug)
    assert katpar["regions"] == [
        {"slug": "karaganda", "name": "Karaganda Region", "iso_code": "KZ-KAR"}
    ]
    assert katpar["commodities"] == [
        {"slug": "tungsten", "name": "Tungsten", "code": "W", "role": "primary"}
    ]
    detail = partner_client.get(f"/api/v1/deposits/{world.katpar.slug}/").json()
    assert [d["slug"] for d in detail["deals"]] == [world.deal.slug]
    assert detail["estimates"] == [] and detail["citations"] == []


def test_company_detail_shows_owners_subsidiaries_and_roles(world, partner_client):
    tks = partner_client.get(f"/api/v1/companies/{world.tks.slug}/").json()
    assert [p["company"]["name"] for p in tks["parents"]] == ["Samruk-Kazyna"]
    assert tks["subsidiaries"] == []
    assert [(r["agreement"]["slug"], r["role"]) for r in tks["agreements"]] == [
        (world.agreement.slug, "state_partner")
    ]
    cove = partner_client.get(f"/api/v1/companies/{world.cove.slug}/").json()
    assert [s["company"]["name"] for s in cove["subsidiaries"]] == ["Cove Kazakhstan"]


def test_amounts_carry_usd_values_converted_at_the_latest_rate(world, partner_client):
    by_slug = {a["slug"]: a for a in results(partner_client.get("/api/v1/amounts/"))}
    assert by_slug[world.usd.slug]["usd_value"] == "1100000000.00"
    assert by_slug[world.usd.slug]["investor"]["name"] == "Cove Capital"
    assert by_slug[world.kzt.slug]["usd_value"] == "100000000.00"  # 50 bn KZT at 0.002
    assert by_slug[world.eur.slug]["usd_value"] is None  # no EUR rate known
    assert by_slug[world.usd.slug]["as_of"] == LOOSE_NOV_2025


def test_events_timeline_in_date_order(world, partner_client):
    items = results(partner_client.get("/api/v1/events/"))
    assert [e["slug"] for e in items] == [world.discovery.slug, world.summit.slug]
    assert items[0]["date"] == {"date": "2024-01-01", "precision": "year", "display": "2024"}
    assert items[1]["date"]["display"] == "6 November 2025"
    assert {c["name"] for c in items[1]["companies"]} == {"Tau-Ken Samruk", "Cove Capital"}
    detail = partner_client.get(f"/api/v1/events/{world.summit.slug}/").json()
    assert detail["agreement"]["slug"] == world.agreement.slug and "citations" in detail


def test_commodities_sources_and_parties(world, partner_client):
    assert slugs(partner_client.get("/api/v1/commodities/")) == ["lithium", "tungsten"]
    tungsten = partner_client.get("/api/v1/commodities/tungsten/").json()
    assert [d["slug"] for d in tungsten["deposits"]] == [world.katpar.slug]
    [source] = results(partner_client.get("/api/v1/sources/"))
    assert source["publisher"] == "Kazinform"
    parties = results(partner_client.get(f"/api/v1/parties/?agreement={world.agreement.slug}"))
    assert {p["company"]["slug"] for p in parties} == {world.tks.slug, world.cove.slug}
    party = partner_client.get(f"/api/v1/parties/{world.tks_party.pk}/").json()
    assert party["agreement"]["slug"] == world.agreement.slug and party["stake"] == "30.000"


def test_unknown_slug_is_a_json_404(world, partner_client):
    assert_error(partner_client.get("/api/v1/deals/no-such-deal/"), 404, "not_found")
    assert_error(partner_client.get("/api/v1/parties/999999999999999999/"), 404)
