"""Stable ordering, cursors and Link headers on every list, strict page sizes."""

import base64
import datetime as dt

import pytest
from django.test import override_settings

from deals.models import Agreement
from tests import factories as f

from .conftest import assert_error, event, results, slugs

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_companies(db):
    return [f.company(f"Company {i:02d}") for i in range(7)]


def link_header(response) -> dict[str, str]:
    """``Link: <url>; rel="next", <url>; rel="prev"`` as {rel: url}."""
    links = {}
    for part in filter(None, response.get("Link", "").split(", ")):
        url, rel = part.split("; ")
        links[rel.removeprefix('rel="').rstrip('"')] = url.strip("<>")
    return links


LIST_RESOURCES = [
    "deposits",
    "commodities",
    "companies",
    "deals",
    "agreements",
    "parties",
    "amounts",
    "events",
    "sources",
]


@pytest.mark.parametrize("resource", LIST_RESOURCES)
def test_every_list_pages_by_cursor_with_link_headers(world, editor_client, resource):
    f.source(publisher="Tengrinews", title="A second source")
    everything = results(editor_client.get(f"/api/v1/{resource}/", {"page_size": 500}))
    assert len(everything) >= 2, resource
    seen, url, previous = [], f"/api/v1/{resource}/?page_size=1", None
    while url:
        response = editor_client.get(url)
        body = response.json()
        assert set(body) == {"next", "previous", "results"}  # no page numbers, no count
        links = link_header(response)
        assert links.get("next") == body["next"] and links.get("prev") == body["previous"]
        if seen:
            assert body["previous"]  # back from any page but the first
        previous = body
        seen += body["results"]
        url = body["next"]
    assert seen == everything and previous["next"] is None
    back = editor_client.get(previous["previous"]).json()["results"]
    assert back == everything[-2:-1]


def test_cursor_pages_in_name_order_keep_their_order(many_companies, partner_client):
    first = partner_client.get("/api/v1/companies/", {"page_size": 3})
    names = [c["name"] for c in first.json()["results"]]
    assert names == ["Company 00", "Company 01", "Company 02"]
    assert first.json()["previous"] is None and "prev" not in link_header(first)
    second = partner_client.get(link_header(first)["next"]).json()
    assert [c["name"] for c in second["results"]] == ["Company 03", "Company 04", "Company 05"]


@pytest.mark.parametrize("page", ["0", "2", "last"])
def test_page_numbers_are_gone_and_refused(many_companies, partner_client, page):
    error = assert_error(partner_client.get("/api/v1/companies/", {"page": page}), 400)
    assert error["code"] == "unknown_parameter" and list(error["fields"]) == ["page"]


def test_parties_without_a_stake_page_by_stake(world, editor_client):
    f.party(world.agreement, f.company("Stakeless"), role="financier", stake=None)
    everything = results(editor_client.get("/api/v1/parties/", {"ordering": "stake"}))
    assert any(p["stake"] is None for p in everything)
    seen, url = [], "/api/v1/parties/?ordering=stake&page_size=1"
    while url:
        body = editor_client.get(url).json()
        seen += body["results"]
        url = body["next"]
    assert seen == everything


@pytest.mark.parametrize("resource", ["companies", "agreements"])
@pytest.mark.parametrize("size", ["501", "0", "-3", "ten", "9" * 40])
def test_page_size_outside_1_to_500_is_refused_not_clamped(world, partner_client, resource, size):
    error = assert_error(partner_client.get(f"/api/v1/{resource}/", {"page_size": size}), 400)
    assert "from 1 to 500" in error["fields"]["page_size"][0]


def test_page_size_500_is_allowed(world, partner_client):
    assert partner_client.get("/api/v1/deposits/", {"page_size": 500}).status_code == 200


@override_settings(API_PAGE_SIZE=2)
def test_default_page_size_comes_from_settings(many_companies, partner_client):
    assert len(results(partner_client.get("/api/v1/companies/"))) == 2


def make_agreements(n):
    deal = f.deal("Paged deal")
    return [f.agreement(deal, title=f"Agreement {i:02d}") for i in range(n)]


def test_cursor_pages_cover_every_row_once_even_with_inserts(db, partner_client):
    made = make_agreements(7)
    seen = []
    url = "/api/v1/agreements/?page_size=3"
    pages = 0
    while url:
        body = partner_client.get(url).json()
        assert "count" not in body
        seen += [a["slug"] for a in body["results"]]
        if pages == 0:
            f.agreement(made[0].deal, title="Inserted while paging")  # newest: sorts last
        url = body["next"]
        pages += 1
    assert len(seen) == len(set(seen)) == 8
    assert seen[:7] == [a.slug for a in made]


def test_cursor_pages_are_stable_when_many_rows_share_a_timestamp(db, partner_client):
    made = make_agreements(5)
    Agreement.objects.update(updated_at=made[0].updated_at)  # all tied
    seen, url = [], "/api/v1/agreements/?page_size=2"
    while url:
        body = partner_client.get(url).json()
        seen += [a["slug"] for a in body["results"]]
        url = body["next"]
    assert seen == [a.slug for a in made]  # ties broken by id


def test_cursor_previous_link_goes_back(db, partner_client):
    make_agreements(5)
    first = partner_client.get("/api/v1/agreements/?page_size=2").json()
    second = partner_client.get(first["next"]).json()
    back = partner_client.get(second["previous"]).json()
    assert back["results"] == first["results"]


@pytest.mark.parametrize(
    "cursor",
    [
        base64.b64encode(b"o=abc").decode(),
        base64.b64encode(b"p=not-a-date").decode(),
        base64.b64encode(b"p=2025-01-01\x00").decode(),
    ],
)
def test_a_forged_cursor_is_a_400(world, partner_client, cursor):
    assert_error(partner_client.get("/api/v1/events/", {"cursor": cursor}), 400)


def test_ordering_whitelist_and_reversal(many_companies, partner_client):
    names = [c["name"] for c in results(partner_client.get("/api/v1/companies/?ordering=-name"))]
    assert names == sorted(names, reverse=True)
    error = assert_error(partner_client.get("/api/v1/companies/?ordering=search_key"), 400)
    assert "name" in error["fields"]["ordering"][0]  # lists the allowed terms


def test_ordering_ties_are_broken_by_id(db, partner_client):
    made = [f.company(f"Same {i}", country="KZ") for i in range(4)]
    listed = slugs(partner_client.get("/api/v1/companies/?ordering=country"))
    assert listed == [c.slug for c in made]


def test_events_order_by_date_alias_in_both_directions(world, partner_client):
    later = event(None, title="Later", on=dt.date(2026, 2, 1), on_precision="month")
    assert slugs(partner_client.get("/api/v1/events/?ordering=-date")) == [
        later.slug,
        world.summit.slug,
        world.discovery.slug,
    ]
    assert_error(partner_client.get("/api/v1/events/?ordering=on"), 400)


def test_amounts_order_by_value_with_cursor_paging(world, partner_client):
    seen, url = [], "/api/v1/amounts/?ordering=-value&page_size=1"
    while url:
        body = partner_client.get(url).json()
        seen += [a["value"] for a in body["results"]]
        url = body["next"]
    assert seen == ["50000000000.00", "1100000000.00", "10000000.00"]


def test_default_orders(world, partner_client):
    assert slugs(partner_client.get("/api/v1/deposits/")) == [
        world.lithium_field.slug,
        world.katpar.slug,
        world.kairakty.slug,
    ]
    newer = f.source(publisher="Astana Times", published=dt.date(2026, 1, 5))
    same_day = f.source(publisher="Reuters", published=dt.date(2026, 1, 5))
    assert slugs(partner_client.get("/api/v1/sources/")) == [
        newer.slug,
        same_day.slug,
        world.source.slug,
    ]
