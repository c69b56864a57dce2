"""Every list costs a fixed number of queries, however many rows it returns."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals.models import ExchangeRate
from tests import factories as f

from .conftest import cite, event

pytestmark = pytest.mark.django_db


def grow(n):
    source = f.source()
    for _ in range(n):
        deposit = f.deposit()
        deal = f.deal()
        deal.deposits.add(deposit)
        agreement = f.agreement(deal)
        agreement.deposits.add(deposit)
        party = f.party(agreement, stake=50, held_via=f.company())
        f.party(agreement, stake=50, role="state_partner")
        f.amount(deal, agreement=agreement, investor=party.company, currency="KZT")
        happening = event(deal, agreement=agreement)
        happening.companies.add(party.company)
        happening.deposits.add(deposit)
        cite(agreement, source, f"Quote {agreement.pk}")
        cite(party, source, f"Party quote {party.pk}")
    ExchangeRate.objects.get_or_create(
        currency="KZT", on=dt.date(2025, 1, 1), defaults={"usd_per_unit": "0.002"}
    )


def count(client, path):
    cache.clear()  # the uncached worst case, not an answer from the response cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


RESOURCES = [
    "deposits",
    "commodities",
    "companies",
    "deals",
    "agreements",
    "parties",
    "amounts",
    "events",
    "sources",
    "tombstones",
]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("suffix", ["?page_size=100", "?format=csv"])
def test_list_query_count_does_not_grow(partner_client, resource, suffix):
    path = f"/api/v1/{resource}/{suffix}"
    grow(2)
    count(partner_client, path)  # warm up: the token's last-use stamp is written once
    few = count(partner_client, path)
    grow(18)
    many = count(partner_client, path)
    assert many == few <= 14, (few, many)


@pytest.mark.parametrize("resource", ["deals", "agreements", "companies", "deposits"])
def test_detail_query_count_is_bounded(partner_client, resource):
    grow(3)
    item = partner_client.get(f"/api/v1/{resource}/").json()["results"][0]
    assert count(partner_client, f"/api/v1/{resource}/{item['slug']}/") <= 16
