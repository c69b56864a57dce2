"""Stable ordering, page numbers for reference lists, cursors for feeds, strict page sizes."""

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


def test_page_numbers_with_page_size(many_companies, partner_client):
    first = partner_client.get("/api/v1/companies/", {"page_size": 3}).json()
    assert first["count"] == 7 and first["previous"] is None
    assert [c["name"] for c in first["results"]] == ["Company 00", "Company 01", "Company 02"]
    third = partner_client.get(first["next"].replace("page=2", "page=3")).json()
    assert [c["name"] for c in third["results"]] == ["Company 06"] and third["next"] is None
    last = partner_client.get("/api/v1/companies/", {"page_size": 3, "page": "last"}).json()
    assert last["results"] == third["results"]


def test_a_page_past_the_end_is_a_404(many_companies, partner_client):
    response = partner_client.get("/api/v1/companies/", {"page_size": 3, "page": 4})
    error = assert_error(response, 404, "page_not_found")
    assert "3 page(s)" in error["message"]
    huge = partner_client.get("/api/v1/companies/", {"page": "9" * 30})
    assert_error(huge, 404)


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5"])
def test_a_malformed_page_is_a_400(many_companies, partner_client, page):
    error = assert_error(partner_client.get("/api/v1/companies/", {"page": page}), 400)
    assert list(error["fields"]) == ["page"]


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
