"""The editorial dashboard lists what needs attention, in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals.models import ExchangeRate
from tests import factories as f

from .conftest import logged_in, token_client

pytestmark = pytest.mark.django_db


def section(text, name):
    start = text.index(f'id="{name}"')
    return text[start : text.index("</section>", start)]


def test_dashboard_shows_drafts_reviews_my_changes_and_loose_ends(client, world, publisher):
    f.company("Тау-Кен Самрук")  # Tau-Ken Samruk again, in Cyrillic
    kzt = f.amount(world.deal, currency="KZT", value=5_000_000, publication="draft")
    ExchangeRate.objects.create(currency="EUR", on=dt.date(2020, 1, 1), usd_per_unit="1.1")
    token_client(publisher).patch(
        f"/api/v1/agreements/{world.agreement.slug}/", {"venue": "Astana"}, format="json"
    )
    text = logged_in(client, publisher).get("/editorial/").content.decode()
    assert "SECRET draft deal" in section(text, "drafts")
    assert "SECRET agreement in review" in section(text, "in-review")
    assert "SECRET agreement in review" not in section(text, "drafts")
    mine = section(text, "mine")
    assert "Framework agreement" in mine and "changed" in mine and "venue" in mine
    assert "None: every published record cites its source." in section(text, "uncited")
    unconverted = section(text, "unconverted")
    assert "KZT" in unconverted and f"/admin/deals/amount/{kzt.pk}/change/" in unconverted
    duplicates = section(text, "duplicates")
    assert "Tau-Ken Samruk" in duplicates and "Тау-Кен Самрук" in duplicates


def test_an_uncited_published_record_shows_up(client, world, analyst):
    f.agreement(world.deal, title="Cited nowhere")  # bypassing the rules, as raw data might
    text = logged_in(client, analyst).get("/editorial/").content.decode()
    assert "Cited nowhere" in section(text, "uncited")


def count_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/editorial/").status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_query_count_does_not_grow_with_the_data(client, world, publisher):
    logged_in(client, publisher)
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    token_client(publisher).patch(url, {"venue": "V"}, format="json")
    few = count_queries(client)
    for n in range(15):
        deal = f.deal(f"Draft deal {n}", publication="draft")
        f.agreement(deal, title=f"Draft {n}", publication="in_review")
        f.amount(deal, currency="KZT", publication="draft")
        f.company(f"Duplicate {n}")
        f.company(f"duplicate {n}!")
        token_client(publisher).patch(url, {"venue": f"V{n}"}, format="json")
    many = count_queries(client)
    assert many == few <= 25, (few, many)
