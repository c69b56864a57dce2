"""The editorial dashboard lists what needs attention, in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deals.models import Deal, ExchangeRate, Revision
from deals.services.revisions import reject
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
    uncited = section(text, "uncited")
    assert "SECRET draft deal" in uncited
    assert f"/admin/deals/deal/{world.deal.pk}/change/" not in uncited  # cited
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


def test_pending_revisions_rejections_and_stale_drafts(client, world, editor, publisher):
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    assert token_client(editor).patch(url, {"venue": "Astana"}, format="json").status_code == 202
    amount_url = f"/api/v1/amounts/{world.amount.slug}/"
    token_client(editor).patch(amount_url, {"value": "5"}, format="json")
    first, second = Revision.objects.order_by("pk")
    reject(publisher, second, "The article gives 1.1 bn, not 5.")
    Deal.objects.filter(pk=world.draft_deal.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=30)
    )
    text = logged_in(client, publisher).get("/editorial/").content.decode()
    reviews = section(text, "reviews")
    assert (
        f"/admin/deals/revision/{first.pk}/change/" in reviews and "Framework agreement" in reviews
    )
    assert f"/admin/deals/revision/{second.pk}/" not in reviews
    stale = section(text, "stale")
    assert "SECRET draft deal" in stale and "UTC+05:00" in stale
    assert "Tungsten project" not in stale
    mine = section(logged_in(client, editor).get("/editorial/").content.decode(), "my-revisions")
    assert "The article gives 1.1 bn, not 5." in mine and "rejected" in mine


def test_the_dashboard_query_count_does_not_grow_with_the_data(client, world, editor, publisher):
    logged_in(client, publisher)
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    token_client(publisher).patch(url, {"venue": "V"}, format="json")
    token_client(editor).patch(url, {"venue": "By an editor"}, format="json")
    few = count_queries(client)
    for n in range(15):
        deal = f.deal(f"Draft deal {n}", publication="draft")
        f.agreement(deal, title=f"Draft {n}", publication="in_review")
        f.amount(deal, currency="KZT", publication="draft")
        f.company(f"Duplicate {n}")
        f.company(f"duplicate {n}!")
        token_client(publisher).patch(url, {"venue": f"V{n}"}, format="json")
        token_client(editor).patch(url, {"title": f"Proposed {n}"}, format="json")
        f.deal(f"Old draft {n}", publication="draft")
    Deal.objects.filter(name__startswith="Old draft").update(
        updated_at=timezone.now() - dt.timedelta(days=30)
    )
    many = count_queries(client)
    assert many == few <= 37, (few, many)  # a few per kind of publishable record (eight)
