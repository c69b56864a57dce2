"""The defects of issue 13's "totals that contradict each other", on the seed data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deals import services
from deals.filtersets import TimelineFilterSet
from deals.models import (
    Agreement,
    Amount,
    CommittedByPeriod,
    FigureReport,
    MonthlyActivity,
    Source,
    StatusChange,
)
from deals.selectors import counted_totals
from deals.tasks import refresh_now
from tests import factories as f

pytestmark = pytest.mark.django_db


def timeline(**data):
    filters = TimelineFilterSet(data, queryset=Agreement.objects.none())
    assert filters.is_valid(), filters.errors
    return counted_totals(filters)


def commitment():
    """A published USD commitment that counts (not restated, on no lapsed agreement)."""
    return (
        Amount.objects.filter(kind="investment_commitment", currency="USD",
                              restatements__isnull=True, publication="published")
        .exclude(agreement__status__in=["lapsed", "terminated"])
        .order_by("as_of", "pk").first()
    )  # fmt: skip


def test_dashboard_quarters_and_months_equal_the_timeline_and_never_mix_kinds(seeded):
    refresh_now()
    for row in CommittedByPeriod.objects.exclude(quarter=0):
        first, last = 3 * row.quarter - 2, 3 * row.quarter
        t = timeline(date_after=f"{row.year}-{first:02d}", date_before=f"{row.year}-{last:02d}")
        assert (t.committed, t.financing, t.other) == (
            row.committed_usd, row.financing_usd, row.other_usd)  # fmt: skip
    for month in MonthlyActivity.objects.all():
        key = month.month.strftime("%Y-%m")
        t = timeline(date_after=key, date_before=key)
        assert (month.committed_usd, month.financing_usd) == (t.committed, t.financing)
    whole = timeline()
    assert whole.committed == sum(r.committed_usd for r in CommittedByPeriod.objects.all())


def test_a_restated_commitment_counts_once_in_the_quarter_it_was_first_made(seeded):
    first = commitment()
    before = timeline().committed
    f.amount(first.deal, agreement=first.agreement, investor=first.investor, kind=first.kind,
             value=first.value * 2, restates=first, as_of=dt.date(2027, 2, 1))  # fmt: skip
    refresh_now()
    made = first.first_as_of  # the first amount of its chain (it may itself restate one)
    year, quarter = made.year, (made.month - 1) // 3 + 1
    row = CommittedByPeriod.objects.get(year=year, quarter=quarter)
    assert timeline().committed == before + first.value  # replaced, not added
    assert not CommittedByPeriod.objects.filter(year=2027).exists()
    assert row.committed_usd >= first.value * 2


def test_lapsed_money_leaves_the_committed_total_and_is_shown_apart(seeded, client):
    amount = commitment()
    agreement = amount.agreement or Agreement.objects.filter(deal=amount.deal).first()
    Amount.objects.filter(pk=amount.pk).update(agreement=agreement)
    refresh_now()
    before = timeline()
    source = Source.objects.first()
    change = StatusChange(agreement=agreement, status="lapsed", on=dt.date(2027, 1, 1),
                          on_precision="year", source=source, quote="It lapsed.")  # fmt: skip
    services.save(None, change)
    agreement.refresh_from_db()
    assert agreement.status == "lapsed"  # the status follows its dated history
    after = timeline()
    assert after.committed == before.committed - amount.value
    assert after.lapsed == before.lapsed + amount.value
    agreement.status = "signed"
    with pytest.raises(ValidationError) as refused:
        services.save(None, agreement)
    assert "status history" in str(refused.value)
    page = client.get(reverse("deal-detail", args=[amount.deal.slug])).content.decode()
    assert "lapsed" in page and reverse("method") + "#lapsed" in page


def test_a_conflicting_report_is_shown_beside_and_counts_only_when_in_use(seeded, client):
    amount = commitment()
    before, old = timeline().committed, amount.value
    report = FigureReport(record=amount, value=Decimal("1.5") * 10**9, unit="USD",
                          source=Source.objects.last(), quote="About 1.5 billion.",
                          qualifier="approximately")  # fmt: skip
    services.save(None, report)
    assert timeline().committed == before  # kept beside, not summed
    page = client.get(reverse("deal-detail", args=[amount.deal.slug])).content.decode()
    assert "also reported" in page and "USD 1.5 bn" in page
    report.in_use = True
    services.save(None, report)
    amount.refresh_from_db()
    assert amount.value == Decimal("1.5") * 10**9 and amount.qualifier == "approximately"
    assert timeline().committed == before - old + amount.value


def test_money_without_a_rate_is_shown_not_dropped_and_estimates_never_count(seeded, client):
    deal = commitment().deal
    before = timeline()
    for kind, currency in (("investment_commitment", "CNY"), ("cost_estimate", "USD")):
        f.amount(deal, kind=kind, currency=currency, value=5 * 10**9)
    after = timeline()
    assert after.committed == before.committed  # the estimate adds nothing
    assert ("CNY", Decimal(5 * 10**9)) in after.committed_unconverted
    refresh_now()
    page = client.get(reverse("home")).content.decode()
    assert "+ CNY 5 bn" in page and "not converted" in page


@pytest.mark.parametrize("lang, heading", [("en", "How the figures are counted"),
                                           ("ru", "Как считаются цифры")])  # fmt: skip
def test_the_method_page_states_every_rule_in_both_languages(client, lang, heading):
    from deals.counting import RULES

    page = client.get(reverse("method"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert heading in page
    for anchor in RULES:
        assert f'id="{anchor}"' in page


def test_undated_agreements_appear_at_their_first_report_marked_reported(seeded, client):
    undated = Agreement.objects.filter(
        signed_on__isnull=True, announced_on__isnull=True, publication="published"
    )
    assert undated.exists(), "the seed has agreements without a stated date (Akbulak)"
    agreement = undated.first()
    page = client.get(reverse("home")).content.decode()
    assert f"#agreement-{agreement.pk}" in page
    assert '<span class="reported">reported</span>' in page
    assert "not placed on the timeline" not in page
