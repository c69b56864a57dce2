"""The one counting rule for money: every total on every page and in the API comes from here.

The rule (stated for readers on ``/method/``; each anchor there names one part):

* ``#in-use``: where sources report a figure differently, only the report in use counts
  (the amount's own value carries it; the others are shown beside it).
* ``#latest``: a commitment counts once, at its latest value: an amount restated by
  another visible amount does not count, its latest restatement does.
* ``#first-made``: it counts in the period the first amount of its chain was made
  (``first_as_of``); a date range holds it when the whole of that (loose) date lies
  inside the range, so a year-only date belongs to its year, never to a quarter.
* ``#kinds``: kinds are never mixed: investment commitments (committed), financing
  interest, other money (contracts, offtakes, purchase prices) each in its own bucket;
  project cost estimates are never counted as money committed.
* ``#lapsed``: money on a lapsed or terminated agreement leaves those buckets and is
  shown apart (``lapsed``).
* ``#hidden``: an amount partners may not see (a draft, or one whose deal, agreement,
  investor or deposit is not published: ``deals.visibility``) is not counted for them.
* ``#unconverted``: an amount without an exchange rate on or before its date is never
  dropped: it is summed in its own currency and shown beside the USD total.

``facts(amounts)`` annotates any amount queryset with the rule (``bucket``, ``counted``,
``usd``, the period); ``totals(amounts)`` sums it; the derived views are built from
``facts`` too (``deals.aggregates``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractQuarter, ExtractYear, TruncMonth

from .filtersets.base import subquery_in, with_usd
from .models import Agreement, Amount
from .visibility import visible

K = Amount.Kind
COMMITTED, FINANCING, OTHER, LAPSED, ESTIMATE = (
    "committed", "financing", "other", "lapsed", "estimate",
)  # fmt: skip
MONEY_BUCKETS = (COMMITTED, FINANCING, OTHER, LAPSED)
ENDED = (Agreement.Status.LAPSED, Agreement.Status.TERMINATED)

# The method page's anchors, one per rule (templates link totals to them).
RULES = ("in-use", "latest", "first-made", "kinds", "lapsed", "hidden", "unconverted", "dates")


def bucket_expression():
    return Case(
        When(kind=K.COST_ESTIMATE, then=Value(ESTIMATE)),
        When(agreement__status__in=ENDED, then=Value(LAPSED)),
        When(kind=K.INVESTMENT_COMMITMENT, then=Value(COMMITTED)),
        When(kind=K.FINANCING_INTEREST, then=Value(FINANCING)),
        default=Value(OTHER),
        output_field=CharField(),
    )


def _restated(drafts):
    """Amounts a restatement visible to this reader replaces."""
    return visible(Amount.objects.filter(restates__isnull=False), drafts).values("restates_id")


def facts(amounts, drafts=None):
    """``amounts`` with the rule: ``bucket``, ``counted`` (1/0), ``usd`` (NULL: no rate),
    and the period it counts in (``year``, ``quarter`` (0: year only), ``month``)."""
    first_year = Q(first_as_of_precision="year")
    return with_usd(amounts).annotate(
        bucket=bucket_expression(),
        usd=F("usd_value"),
        counted=Case(
            When(id__in=_restated(drafts), then=Value(0)), default=Value(1),
            output_field=IntegerField(),
        ),
        year=ExtractYear("first_as_of"),
        quarter=Case(
            When(first_year, then=Value(0)),
            default=ExtractQuarter("first_as_of"),
            output_field=IntegerField(),
        ),
        month=Case(When(first_year, then=Value(None)), default=TruncMonth("first_as_of")),
    )  # fmt: skip


def of_deposit(amounts, deposit):
    """Amounts that count for ``deposit``: those naming it, and, when an amount names no
    deposit, those of a deal covering it (the derived view by deposit follows this too)."""
    return subquery_in(
        amounts, Q(deposit=deposit) | Q(deposit__isnull=True, deal__deposits=deposit)
    )


def made_between(amounts, after=None, before=None):
    """Amounts whose first-made (loose) date lies wholly in [after, before] (``#first-made``).

    ``after``/``before`` are ``LooseDate`` bounds as the date filters give them.
    """
    if after is not None:
        amounts = amounts.filter(first_as_of__gte=after.date)
    if before is not None:
        amounts = amounts.alias(made_end=_period_end()).filter(made_end__lte=before.last_day())
    return amounts


def _period_end():
    """The last day of ``first_as_of``'s period (year, month or day)."""

    def last(interval):
        template = f"(%(expressions)s + interval '{interval}' - interval '1 day')::date"
        return Func(F("first_as_of"), template=template, output_field=DateField())

    return Case(
        When(first_as_of_precision="year", then=last("1 year")),
        When(first_as_of_precision="month", then=last("1 month")),
        default=F("first_as_of"),
        output_field=DateField(),
    )


@dataclass
class Totals:
    """One selection's money by the rule; ``unconverted`` maps bucket → [(currency, value)]."""

    committed: Decimal = Decimal(0)
    financing: Decimal = Decimal(0)
    other: Decimal = Decimal(0)
    lapsed: Decimal = Decimal(0)
    counted: int = 0
    unconverted: dict[str, list[tuple[str, Decimal]]] = field(default_factory=dict)

    @property
    def committed_unconverted(self) -> list[tuple[str, Decimal]]:
        return self.unconverted.get(COMMITTED, [])

    @property
    def lapsed_unconverted(self) -> list[tuple[str, Decimal]]:
        return self.unconverted.get(LAPSED, [])


def totals(amounts, drafts=None) -> Totals:
    """Sum ``amounts`` (already visible to the reader and filtered) by the rule, two queries."""
    rows = facts(amounts.order_by(), drafts).filter(counted=1).exclude(bucket=ESTIMATE)
    sums = {name: Sum("usd", filter=Q(bucket=name), default=Decimal(0)) for name in MONEY_BUCKETS}
    figures = rows.aggregate(n=Count("id"), **sums)
    result = Totals(counted=figures.pop("n"), **figures)
    missing = (
        rows.filter(usd__isnull=True)
        .values_list("bucket", "currency")
        .annotate(total=Sum("value"))
        .order_by("bucket", "currency")
    )
    for bucket, currency, total in missing:
        result.unconverted.setdefault(bucket, []).append((currency, total))
    return result


__all__ = ["RULES", "Totals", "facts", "made_between", "totals"]
