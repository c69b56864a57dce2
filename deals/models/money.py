"""Money committed or offered, and the dated exchange rates that convert it to USD."""

import pgtrigger
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deals.history.tracking import tracked
from deposits.models import Deposit
from minerals_portal.common.currencies import ISO_4217
from minerals_portal.common.loose_dates import ReportedPrecision, loose, precision_constraint
from minerals_portal.common.models import Timestamped

from .agreements import Agreement, Deal
from .companies import Company
from .figures import Qualifier
from .publication import Publishable
from .versioning import Versioned

CURRENCY_CHECK = Q(currency__in=sorted(ISO_4217))

# A commitment counts in the period it was first made: every amount carries the
# as-of date of the first amount of its restatement chain, copied down the chain
# whenever a link or a date changes.
FIRST_AS_OF = """
    SELECT first_as_of, first_as_of_precision INTO NEW.first_as_of, NEW.first_as_of_precision
      FROM deals_amount WHERE id = NEW.restates_id;
    IF NEW.restates_id IS NULL OR NEW.first_as_of IS NULL THEN
        NEW.first_as_of := NEW.as_of;
        NEW.first_as_of_precision := NEW.as_of_precision;
    END IF;
    RETURN NEW;
"""
FIRST_AS_OF_DOWN = """
    UPDATE deals_amount
       SET first_as_of = NEW.first_as_of, first_as_of_precision = NEW.first_as_of_precision
     WHERE restates_id = NEW.id;
    RETURN NULL;
"""


@tracked
class Amount(Publishable, Versioned, Timestamped):
    Qualifier = Qualifier

    class Kind(models.TextChoices):
        INVESTMENT_COMMITMENT = "investment_commitment", _("investment commitment")
        FINANCING_INTEREST = "financing_interest", _("financing interest")
        CONTRACT_VALUE = "contract_value", _("contract value")
        OFFTAKE_VALUE = "offtake_value", _("offtake value")
        PURCHASE_PRICE = "purchase_price", _("purchase price")
        COST_ESTIMATE = "cost_estimate", _("project cost estimate")

    slug = models.SlugField(max_length=80, unique=True)
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="amounts")
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="amounts"
    )
    deposit = models.ForeignKey(
        Deposit, on_delete=models.PROTECT, null=True, blank=True, related_name="amounts"
    )
    investor = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amounts",
        help_text="Who commits or provides the money.",
    )
    value = models.DecimalField(max_digits=20, decimal_places=2)
    value_max = models.DecimalField(
        max_digits=20, decimal_places=2, null=True, blank=True, help_text="Upper end of a range."
    )
    currency = models.CharField("currency (ISO 4217)", max_length=3)
    qualifier = models.CharField(max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    as_of = models.DateField()
    as_of_precision = models.CharField(
        max_length=8, choices=ReportedPrecision.choices,
        help_text="'reported' when the source dates only its own report: as_of is that day.",
    )  # fmt: skip
    restates = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restatements",
        help_text="The earlier amount this one restates; totals count only the latest.",
    )
    first_as_of = models.DateField(
        null=True, editable=False,
        help_text="As-of date of the first amount of its restatement chain (kept by a trigger).",
    )  # fmt: skip
    first_as_of_precision = models.CharField(
        max_length=8, choices=ReportedPrecision.choices, blank=True, editable=False
    )
    reported_with = models.ManyToManyField(
        Agreement, related_name="amounts_reported_with", blank=True,
        help_text="Agreements of the deal the source reports the amount with, when it does "
        "not say which of them the money belongs to (then leave 'agreement' empty).",
    )  # fmt: skip
    covers = models.ManyToManyField(
        Deposit, related_name="cost_estimates", blank=True,
        help_text="The deposits a project cost estimate covers (may be several).",
    )  # fmt: skip
    citations = GenericRelation("deals.Citation")
    reports = GenericRelation("deals.FigureReport")

    class Meta:
        ordering = ["as_of", "slug"]
        triggers = [
            pgtrigger.Trigger(
                name="amount_first_as_of",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=FIRST_AS_OF,
            ),
            pgtrigger.Trigger(
                name="amount_first_as_of_down",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("first_as_of", "first_as_of_precision"),
                func=FIRST_AS_OF_DOWN,
            ),
        ]
        indexes = [
            # The timeline's newest-first page: (as_of, id) read backwards, no sort.
            models.Index(fields=["as_of", "id"], name="amount_as_of_idx"),
            models.Index(fields=["updated_at", "id"], name="amount_sync_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="amount_value_positive",
                violation_error_message="An amount must be positive.",
            ),
            models.CheckConstraint(
                condition=Q(qualifier="range", value_max__isnull=False, value_max__gt=F("value"))
                | (~Q(qualifier="range") & Q(value_max__isnull=True)),
                name="amount_range_consistent",
                violation_error_message=(
                    "A range needs an upper value above the lower one; other qualifiers have none."
                ),
            ),
            models.CheckConstraint(
                condition=CURRENCY_CHECK,
                name="amount_currency_iso4217",
                violation_error_message="Currency must be an ISO 4217 code such as USD or KZT.",
            ),
            models.CheckConstraint(
                condition=Q(restates__isnull=True) | ~Q(restates=F("id")),
                name="amount_not_restating_itself",
                violation_error_message="An amount cannot restate itself.",
            ),
            models.UniqueConstraint(
                fields=["restates"],
                name="amount_restated_once",
                violation_error_message="That amount is already restated by another one; "
                "restate the latest restatement instead.",
            ),
            precision_constraint("as_of", "amount_as_of_precision", reported=True),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_qualifier_display()} {self.currency} {self.value:,.0f} "
            f"({self.get_kind_display()}, {self.deal})"
        )

    @property
    def as_of_loose(self):
        return loose(self.as_of, self.as_of_precision)

    def clean(self):
        errors = {}
        if self.currency and self.currency.upper() != self.currency:
            self.currency = self.currency.upper()
        if self.currency and self.currency not in ISO_4217:
            errors["currency"] = f"{self.currency!r} is not an ISO 4217 currency code."
        if self.agreement_id and self.deal_id and self.agreement.deal_id != self.deal_id:
            errors["agreement"] = "The agreement belongs to another deal."
        if self.restates_id:
            previous = self.restates
            if self.pk and previous.pk == self.pk:
                errors["restates"] = "An amount cannot restate itself."
            elif previous.deal_id != self.deal_id:
                errors["restates"] = "A restatement must belong to the same deal."
            elif previous.kind != self.kind:
                errors["restates"] = "A restatement must be of the same kind of money."
            else:
                seen = {self.pk}
                while previous is not None:
                    if previous.pk in seen:
                        errors["restates"] = "Restatements cannot form a loop."
                        break
                    seen.add(previous.pk)
                    previous = previous.restates
        if errors:
            raise ValidationError(errors)


@tracked
class ExchangeRate(Timestamped):
    """USD value of one unit of ``currency`` on ``on``; aggregates use the latest rate ≤ as-of."""

    currency = models.CharField(max_length=3)
    on = models.DateField()
    usd_per_unit = models.DecimalField(max_digits=20, decimal_places=10)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["currency", "-on"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "on"],
                name="rate_unique_per_day",
                violation_error_message="A rate for this currency and day already exists.",
            ),
            models.CheckConstraint(
                condition=Q(usd_per_unit__gt=0),
                name="rate_positive",
                violation_error_message="A rate must be positive.",
            ),
            models.CheckConstraint(
                condition=CURRENCY_CHECK,
                name="rate_currency_iso4217",
                violation_error_message="Currency must be an ISO 4217 code.",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.usd_per_unit} USD on {self.on}"
