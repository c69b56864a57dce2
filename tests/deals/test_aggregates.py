"""The derived views: what they count, and that rebuilding them is idempotent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from deals.aggregates import VIEWS
from deals.models import (
    CommittedByCommodity,
    CommittedByCompany,
    CommittedByCountryPair,
    CommittedByDeposit,
    CommittedByPeriod,
    DealPipeline,
    ExchangeRate,
    MonthlyActivity,
    Ownership,
    ViewRefresh,
)
from deals.tasks import refresh_now
from deposits.models import Commodity
from tests import factories as f

pytestmark = pytest.mark.django_db
BN = Decimal(1_000_000_000)


@pytest.fixture
def tungsten_project():
    """The tungsten project as the sources tell it, built with test factories."""
    cove = f.company("Cove Kaz Capital Group", country="US", kind="private_investor")
    exim = f.company("EXIM Bank USA", country="US", kind="export_credit_agency")
    deal = f.deal("Tungsten project")
    katpar, kairakty = f.deposit("Severny Katpar"), f.deposit("Upper Kairakty")
    deal.deposits.add(katpar, kairakty)
    tungsten = Commodity.objects.create(name="Tungsten", code="W", slug="tungsten")
    deal.commodities.add(tungsten)
    nov = f.agreement(deal, title="November agreement", kind="framework")
    feb = f.agreement(deal, title="SPA", kind="spa", signed_on=dt.date(2026, 2, 1),
                      signed_on_precision="month")  # fmt: skip
    first = f.amount(deal, agreement=nov, investor=cove, value=Decimal("1.1") * BN,
                     qualifier="approximately", as_of=dt.date(2025, 11, 7),
                     as_of_precision="day")  # fmt: skip
    f.amount(deal, agreement=feb, investor=cove, value=Decimal("1.1") * BN,
             qualifier="at_least", as_of=dt.date(2026, 2, 1), restates=first)  # fmt: skip
    f.amount(deal, investor=exim, value=900_000_000, kind="financing_interest",
             as_of=dt.date(2025, 11, 9), as_of_precision="day")  # fmt: skip
    return {"deal": deal, "katpar": katpar, "kairakty": kairakty, "cove": cove, "exim": exim,
            "tungsten": tungsten}  # fmt: skip


def test_restated_amount_counted_once_and_financing_kept_apart(tungsten_project):
    refresh_now()
    row = CommittedByDeposit.objects.get(deposit=tungsten_project["katpar"])
    assert row.committed_usd == Decimal("1.1") * BN  # not 2.2 bn
    assert row.financing_usd == 900_000_000
    assert row.amount_count == 2 and row.deal_count == 1
    commodity = CommittedByCommodity.objects.get(commodity=tungsten_project["tungsten"])
    assert (commodity.committed_usd, commodity.financing_usd) == (Decimal("1.1") * BN, 900e6)
    pair = CommittedByCountryPair.objects.get(investor_country="US", host_country="KZ")
    assert pair.committed_usd == Decimal("1.1") * BN and pair.financing_usd == 900_000_000
    # The restatement (Feb 2026) is the value counted, in the period first made (Nov 2025).
    periods = {(p.year, p.quarter): p for p in CommittedByPeriod.objects.all()}
    assert (2026, 1) not in periods
    assert periods[(2025, 4)].committed_usd == Decimal("1.1") * BN
    assert periods[(2025, 4)].financing_usd == 900e6


def test_pipeline_counts_agreements_by_kind_and_status_with_their_money(tungsten_project):
    refresh_now()
    pipeline = {(p.agreement_kind, p.agreement_status): p for p in DealPipeline.objects.all()}
    assert pipeline[("spa", "signed")].agreement_count == 1
    assert pipeline[("spa", "signed")].committed_usd == Decimal("1.1") * BN
    assert pipeline[("framework", "signed")].committed_usd == 0  # its figure was restated


def test_monthly_activity_honours_date_precision(tungsten_project):
    f.agreement(tungsten_project["deal"], title="Year only", signed_on=dt.date(2025, 1, 1),
                signed_on_precision="year")  # fmt: skip
    refresh_now()
    months = {m.month: m for m in MonthlyActivity.objects.all()}
    assert months[dt.date(2025, 11, 1)].agreements_signed == 1
    assert months[dt.date(2025, 11, 1)].amounts_announced == 2
    assert months[dt.date(2026, 2, 1)].agreements_signed == 1
    assert dt.date(2025, 1, 1) not in months  # "2025" is no January


def test_ownership_rolls_up_unweighted_to_parents(tungsten_project):
    parent = f.company("Cove Capital", country="US")
    grand = f.company("Holding", country="US")
    Ownership.objects.create(parent=parent, child=tungsten_project["cove"], relation="subsidiary")
    Ownership.objects.create(parent=grand, child=parent, relation="subsidiary", stake_min=10,
                             stake_max=10)  # fmt: skip
    Ownership.objects.create(parent=tungsten_project["cove"], child=grand, relation="affiliate")
    refresh_now()  # the cycle above must not loop or double count
    rows = {r.company_id: r for r in CommittedByCompany.objects.all()}
    child, top = rows[tungsten_project["cove"].pk], rows[parent.pk]
    assert (child.direct_committed_usd, child.via_subsidiaries_committed_usd) == (
        Decimal("1.1") * BN, 0)  # fmt: skip
    assert (top.direct_committed_usd, top.via_subsidiaries_committed_usd) == (
        0,
        Decimal("1.1") * BN,
    )
    assert rows[grand.pk].total_committed_usd == Decimal("1.1") * BN  # unweighted: not 10 %
    assert rows[tungsten_project["exim"].pk].total_financing_usd == 900_000_000


def test_non_usd_amounts_convert_through_the_dated_rate(tungsten_project):
    deal = tungsten_project["deal"]
    f.amount(deal, value=500_000_000, currency="KZT", as_of=dt.date(2025, 12, 15),
             as_of_precision="day", investor=tungsten_project["cove"])  # fmt: skip
    f.amount(deal, value=1000, currency="EUR", investor=tungsten_project["cove"])  # no rate
    ExchangeRate.objects.create(currency="KZT", on=dt.date(2025, 12, 1), usd_per_unit="0.002")
    ExchangeRate.objects.create(currency="KZT", on=dt.date(2026, 1, 1), usd_per_unit="0.003")
    refresh_now()
    row = CommittedByDeposit.objects.get(deposit=tungsten_project["katpar"])
    assert row.committed_usd == Decimal("1.1") * BN + 1_000_000  # 0.002, the rate in force
    assert row.unconverted_count == 1


def test_drafts_do_not_count(tungsten_project):
    f.amount(tungsten_project["deal"], value=5 * BN, publication="draft")
    refresh_now()
    row = CommittedByDeposit.objects.get(deposit=tungsten_project["katpar"])
    assert row.committed_usd == Decimal("1.1") * BN


def snapshot():
    rows = {}
    for name, (model, _) in VIEWS.items():
        rows[name] = sorted(
            (tuple(sorted((k, str(v)) for k, v in model_to_dict(r).items()
                          if k not in {"id", "computed_at"})) for r in model.objects.all()),
        )  # fmt: skip
    return rows


def test_refreshing_twice_leaves_identical_rows_and_records_the_time(seeded):
    refresh_now()
    first = snapshot()
    stamps = dict(ViewRefresh.objects.values_list("name", "refreshed_at"))
    refresh_now()
    assert snapshot() == first
    assert sum(len(v) for v in first.values()) > 10
    assert set(stamps) == set(VIEWS)
    later = dict(ViewRefresh.objects.values_list("name", "refreshed_at"))
    assert all(later[n] > stamps[n] for n in VIEWS)
    model = VIEWS["committed_by_deposit"][0]
    assert model.objects.filter(computed_at=later["committed_by_deposit"]).count() == \
        model.objects.count()  # fmt: skip


def test_refresh_command_prints_the_time_each_view_took(tungsten_project):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("refresh_views", stdout=out)
    lines = out.getvalue().splitlines()
    names = {line.split()[0] for line in lines}
    assert names == {*VIEWS, "amount_facts", "timeline_totals", "total"}
    assert all(line.rstrip().endswith(" ms") for line in lines)
    assert CommittedByDeposit.objects.filter(deposit=tungsten_project["katpar"]).exists()


@pytest.mark.django_db(transaction=True)
def test_one_refresh_at_a_time_and_its_lock_ends_with_its_transaction():
    """Behind PgBouncer in transaction pooling a session lock could outlive the refresh on a
    server connection nobody unlocks: every later refresh was refused as busy."""
    import psycopg
    from django.db import connection

    from deals.aggregates import LOCK_KEY, RefreshBusy
    from deals.models import RefreshState

    RefreshState.objects.get_or_create(pk=1)
    conninfo = connection.get_connection_params()
    with psycopg.connect(**conninfo, autocommit=True) as other:
        take = "SELECT pg_try_advisory_lock(%s)"
        assert other.execute(take, [LOCK_KEY]).fetchone()[0]
        with pytest.raises(RefreshBusy):
            refresh_now()
        other.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        refresh_now()
        assert not connection.in_atomic_block
        assert other.execute(take, [LOCK_KEY]).fetchone()[0], "the refresh kept its lock"
        other.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
