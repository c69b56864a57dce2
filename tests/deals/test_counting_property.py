"""Property: over random worlds, every total agrees with every other, for random filters.

A world has restatements, conflicting reports (one in use), lapsed and terminated
agreements, currencies without a rate, and every kind of money (cost estimates
included). For a random filter, the timeline's committed total (``counted_totals``)
equals the matching rows of the derived views the dashboard and ``/api/v1/stats/``
show: by period, by month, by commodity, by deposit, by country pair, by pipeline
row; what could not be converted is never dropped.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deals import services
from deals.aggregates import refresh_all
from deals.filtersets import TimelineFilterSet
from deals.models import (
    Agreement,
    Amount,
    CommittedByCommodity,
    CommittedByCountryPair,
    CommittedByDeposit,
    CommittedByPeriod,
    DealPipeline,
    ExchangeRate,
    FigureReport,
    MonthlyActivity,
    TimelineTotals,
    UnconvertedByPeriod,
)
from deals.selectors import counted_totals
from deposits.models import Commodity
from tests import factories as f

pytestmark = pytest.mark.django_db

KINDS = [k for k, _ in Amount.Kind.choices]
STATUSES = ["announced", "signed", "lapsed", "terminated"]
CURRENCIES = ["USD", "KZT", "EUR"]  # EUR has no rate: never converted
MONTHS = [dt.date(y, m, 1) for y in (2025, 2026) for m in (1, 2, 4, 7, 11)]

amount_st = st.fixed_dictionaries({
    "deal": st.integers(0, 1),
    "agreement": st.none() | st.integers(0, 2),
    "kind": st.sampled_from(KINDS),
    "currency": st.sampled_from(CURRENCIES),
    "value": st.integers(1, 50).map(lambda n: Decimal(n) * 10**6),
    "month": st.sampled_from(MONTHS),
    "year_only": st.booleans(),
    "restates_previous": st.booleans(),
    "own_deposit": st.none() | st.integers(0, 1),
    "investor": st.none() | st.integers(0, 1),
    "conflict": st.none() | st.tuples(st.integers(1, 90), st.booleans()),
})  # fmt: skip
world_st = st.fixed_dictionaries({
    "statuses": st.lists(st.sampled_from(STATUSES), min_size=3, max_size=3),
    "amounts": st.lists(amount_st, min_size=1, max_size=8),
})  # fmt: skip
filter_st = st.sampled_from(
    ["none", "year", "quarter", "month", "commodity", "deposit", "country", "pipeline"]
)


def build(world):
    source = f.source()
    ExchangeRate.objects.create(currency="KZT", on=dt.date(2020, 1, 1), usd_per_unit="0.002")
    companies = [f.company("Investor A", country="US"), f.company("Investor B", country="CN")]
    commodities = [
        Commodity.objects.create(name=n, code=n[:2], slug=n.lower()) for n in ("Wolfram", "Lith")
    ]
    deposits = [f.deposit("Deposit X"), f.deposit("Deposit Y")]
    deals = [f.deal("Deal one"), f.deal("Deal two", host_country="UZ")]
    deals[0].deposits.add(*deposits)
    deals[0].commodities.add(commodities[0])
    deals[1].deposits.add(deposits[1])
    deals[1].commodities.add(*commodities)
    agreements = []
    for i, status in enumerate(world["statuses"]):
        agreement = f.agreement(deals[i % 2], title=f"Agreement {i}", status=status,
                                kind=["spa", "framework", "offtake"][i])  # fmt: skip
        agreements.append(agreement)
    previous: dict[tuple, Amount] = {}
    for spec in world["amounts"]:
        deal = deals[spec["deal"]]
        agreement = agreements[spec["agreement"]] if spec["agreement"] is not None else None
        if agreement is not None and agreement.deal_id != deal.pk:
            agreement = None
        key = (deal.pk, spec["kind"])
        restates = previous.get(key) if spec["restates_previous"] else None
        month = spec["month"]
        if restates is not None and month < restates.as_of:
            month = restates.as_of
        amount = f.amount(
            deal, agreement=agreement, kind=spec["kind"], currency=spec["currency"],
            value=spec["value"], as_of=month.replace(month=1) if spec["year_only"] else month,
            as_of_precision="year" if spec["year_only"] else "month", restates=restates,
            deposit=deposits[spec["own_deposit"]] if spec["own_deposit"] is not None else None,
            investor=companies[spec["investor"]] if spec["investor"] is not None else None,
        )  # fmt: skip
        previous[key] = amount
        if spec["conflict"]:
            millions, use_it = spec["conflict"]
            report = FigureReport(record=amount, value=Decimal(millions) * 10**6,
                                  unit=amount.currency, source=source, quote="Another figure.",
                                  in_use=use_it)  # fmt: skip
            services.save(None, report)
    return {"commodities": commodities, "deposits": deposits, "agreements": agreements}


def timeline(**data):
    filters = TimelineFilterSet({k: v for k, v in data.items()}, queryset=Agreement.objects.none())
    assert filters.is_valid(), filters.errors
    return counted_totals(filters)


def money(rows, column="committed_usd"):
    return sum((getattr(r, column) for r in rows), Decimal(0))


def check(world, choice, pick):
    if choice == "none":
        t = timeline()
        stored = TimelineTotals.objects.get()
        assert t.committed == stored.committed_usd == money(CommittedByPeriod.objects.all())
        assert t.committed == money(CommittedByCountryPair.objects.all())
        assert t.lapsed == money(CommittedByPeriod.objects.all(), "lapsed_usd")
        missing = {(u.bucket, u.currency): u.value for u in UnconvertedByPeriod.objects.all()
                   if u.bucket == "committed"}  # fmt: skip
        assert {("committed", c): v for c, v in t.committed_unconverted} == missing
    elif choice == "year":
        year = pick(2025, 2026)
        t = timeline(date_after=str(year), date_before=str(year))
        assert t.committed == money(CommittedByPeriod.objects.filter(year=year))
        assert t.financing == money(CommittedByPeriod.objects.filter(year=year), "financing_usd")
    elif choice == "quarter":
        year, quarter = pick(2025, 2026), pick(1, 2, 3, 4)
        first, last = 3 * quarter - 2, 3 * quarter
        t = timeline(date_after=f"{year}-{first:02d}", date_before=f"{year}-{last:02d}")
        rows = CommittedByPeriod.objects.filter(year=year, quarter=quarter)
        assert (t.committed, t.other, t.lapsed) == (
            money(rows), money(rows, "other_usd"), money(rows, "lapsed_usd"))  # fmt: skip
    elif choice == "month":
        month = pick(*MONTHS)
        t = timeline(date_after=month.strftime("%Y-%m"), date_before=month.strftime("%Y-%m"))
        rows = MonthlyActivity.objects.filter(month=month)
        assert (t.committed, t.financing) == (money(rows), money(rows, "financing_usd"))
    elif choice == "commodity":
        commodity = pick(*world["commodities"])
        t = timeline(commodity=commodity.slug)
        assert t.committed == money(CommittedByCommodity.objects.filter(commodity=commodity))
    elif choice == "deposit":
        deposit = pick(*world["deposits"])
        t = timeline(deposit=deposit.slug)
        assert t.committed == money(CommittedByDeposit.objects.filter(deposit=deposit))
        assert t.lapsed == money(CommittedByDeposit.objects.filter(deposit=deposit), "lapsed_usd")
    elif choice == "country":
        country = pick("KZ", "UZ")
        t = timeline(country=country)
        assert t.committed == money(CommittedByCountryPair.objects.filter(host_country=country))
    elif choice == "pipeline":
        agreement = pick(*world["agreements"])
        t = timeline(kind=[agreement.kind], status=[agreement.status])
        rows = DealPipeline.objects.filter(
            agreement_kind=agreement.kind, agreement_status=agreement.status
        )
        assert (t.committed, t.lapsed) == (money(rows), money(rows, "lapsed_usd"))


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(world=world_st, choices=st.lists(filter_st, min_size=2, max_size=4), data=st.data())
def test_every_total_agrees_for_random_worlds_and_filters(world, choices, data):
    with transaction.atomic():
        built = build(world)
        refresh_all()
        for choice in choices:
            check(built, choice, lambda *options: data.draw(st.sampled_from(options)))
        transaction.set_rollback(True)
