"""Derived views: summary tables rebuilt atomically by ``deals.aggregates``.

Every table is rebuilt as a whole inside one transaction, so a reader sees
either the previous complete content or the new one (PostgreSQL MVCC). Money
columns are in USD, from the one counting rule (``deals.counting``); the
buckets are kept apart everywhere:

* ``committed_usd``: investment commitments (equity-like money);
* ``financing_usd``: financing interest (letters of interest, export credit);
* ``other_usd``: contract, offtake and purchase-price values;
* ``lapsed_usd``: any of those on a lapsed or terminated agreement (not committed).

Project cost estimates are never counted. Restated amounts are counted once (only
the latest restatement, in the period the first was made), and only published
records count. Links to other rows are not database constraints
(``db_constraint=False``): these tables are rebuilt wholesale, never edited.
"""

from django.db import models

from .agreements import Agreement


def _ref(model, related_name):
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, related_name=related_name
    )


def _money():
    return models.DecimalField(max_digits=24, decimal_places=2, default=0)


class Derived(models.Model):
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} #{self.pk} ({self.computed_at:%Y-%m-%d %H:%M:%S})"


class MoneyColumns(Derived):
    committed_usd = _money()
    financing_usd = _money()
    other_usd = _money()
    lapsed_usd = _money()
    amount_count = models.PositiveIntegerField(default=0)
    unconverted_count = models.PositiveIntegerField(
        default=0, help_text="Amounts left out of the USD sums for want of an exchange rate."
    )

    class Meta:
        abstract = True


class CommittedByDeposit(MoneyColumns):
    """Each amount is attributed in full to every deposit its deal covers (not split)."""

    deposit = _ref("deposits.Deposit", "+")
    deal_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-committed_usd", "deposit_id"]
        constraints = [models.UniqueConstraint(fields=["deposit"], name="agg_deposit_unique")]


class CommittedByCompany(Derived):
    """Unweighted roll-up: a parent is credited 100 % of what any descendant commits.

    Stakes are often unknown in the sources, so no weighting by ownership share
    is applied; ``via_subsidiaries_*`` shows the rolled-up part separately.
    """

    company = _ref("deals.Company", "+")
    direct_committed_usd = _money()
    via_subsidiaries_committed_usd = _money()
    total_committed_usd = _money()
    direct_financing_usd = _money()
    via_subsidiaries_financing_usd = _money()
    total_financing_usd = _money()
    direct_other_usd = _money()
    via_subsidiaries_other_usd = _money()
    total_other_usd = _money()
    total_lapsed_usd = _money()
    amount_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-total_committed_usd", "company_id"]
        constraints = [models.UniqueConstraint(fields=["company"], name="agg_company_unique")]


class CommittedByCommodity(MoneyColumns):
    """Each amount is attributed in full to every commodity of its deal and agreement."""

    commodity = _ref("deposits.Commodity", "+")

    class Meta:
        ordering = ["-committed_usd", "commodity_id"]
        constraints = [models.UniqueConstraint(fields=["commodity"], name="agg_commodity_unique")]


class CommittedByCountryPair(MoneyColumns):
    """Investor's country (empty when the investor is not known) → the deal's host country."""

    investor_country = models.CharField(max_length=2, blank=True)
    host_country = models.CharField(max_length=2)

    class Meta:
        ordering = ["-committed_usd", "investor_country", "host_country"]
        constraints = [
            models.UniqueConstraint(
                fields=["investor_country", "host_country"], name="agg_country_pair_unique"
            )
        ]


class CommittedByPeriod(MoneyColumns):
    """By the year and quarter of the amount's as-of date (a year-precise date: quarter 0)."""

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="agg_period_unique")
        ]


class DealPipeline(Derived):
    agreement_kind = models.CharField(max_length=24, choices=Agreement.Kind.choices)
    agreement_status = models.CharField(max_length=20, choices=Agreement.Status.choices)
    agreement_count = models.PositiveIntegerField(default=0)
    committed_usd = _money()
    financing_usd = _money()
    other_usd = _money()
    lapsed_usd = _money()

    class Meta:
        ordering = ["agreement_kind", "agreement_status"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement_kind", "agreement_status"], name="agg_pipeline_unique"
            )
        ]


class MonthlyActivity(Derived):
    """Per calendar month; dates known only to the year are left out of months.

    Money is counted by the one rule, each kind of money in its own column:
    a commitment in the month it was first made, at its latest value.
    """

    month = models.DateField()
    agreements_signed = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    amounts_announced = models.PositiveIntegerField(default=0)
    committed_usd = _money()
    financing_usd = _money()
    other_usd = _money()
    lapsed_usd = _money()

    class Meta:
        ordering = ["month"]
        constraints = [models.UniqueConstraint(fields=["month"], name="agg_month_unique")]


class UnconvertedByPeriod(Derived):
    """Money without an exchange rate to USD, in its own currency, by period and bucket.

    Never dropped: pages show it beside the USD totals ("+ KZT 5 bn not converted").
    """

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    bucket = models.CharField(max_length=12)
    currency = models.CharField(max_length=3)
    value = _money()
    amount_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["year", "quarter", "bucket", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "bucket", "currency"], name="agg_unconverted_unique"
            )
        ]


class TimelineTotals(Derived):
    """The unfiltered public timeline's counts and first pages, as of a data version.

    Counting every published agreement, amount and event costs more than the
    rest of the timeline page; the page uses these counts and entries while
    ``data_version`` still equals the live data version (nothing visible changed
    since), and reads live otherwise.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    data_version = models.CharField(max_length=64)
    agreements = models.PositiveIntegerField(default=0)
    amounts = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    undated_agreements = models.PositiveIntegerField(default=0)
    reported_agreements = models.PositiveIntegerField(
        default=0, help_text="Undated agreements shown at the date they were first reported."
    )
    committed_usd = _money()
    lapsed_usd = _money()
    unconverted = models.JSONField(
        default=list, blank=True, help_text="[[currency, value]] of commitments without a rate."
    )
    newest = models.JSONField(
        default=list, blank=True,
        help_text="The first pages' entries, newest first: [kind, id, ISO date, precision].",
    )  # fmt: skip

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="timeline_totals_one")]


class ViewRefresh(models.Model):
    """When each derived view was last rebuilt, how long it took and how many rows it has."""

    name = models.CharField(max_length=60, unique=True)
    refreshed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    row_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} at {self.refreshed_at:%Y-%m-%d %H:%M:%S}"


class RefreshState(models.Model):
    """The one row that coalesces refresh requests (see ``deals.refresh_scheduling``).

    ``write_version`` grows with every committed write; a refresh records the
    version it started from in ``refreshed_version``. ``queued_at`` is set while
    a refresh task is waiting in the broker, so a burst enqueues it only once.
    A write whose enqueue failed (broker down) leaves ``write_version`` ahead,
    which the periodic catch-up task notices.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    write_version = models.BigIntegerField(default=0)
    refreshed_version = models.BigIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    last_request_at = models.DateTimeField(null=True, blank=True)
    last_enqueue_error = models.TextField(blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="refresh_state_one")]

    def __str__(self) -> str:
        return f"writes {self.write_version}, refreshed {self.refreshed_version}"

    @property
    def pending(self) -> bool:
        return self.write_version > self.refreshed_version
