"""Figures several sources report differently, dated status changes, and places a deal
can be located at other than a deposit.

* ``FigureReport``: one source's value for one figure of one record (an amount's
  value, a party's stake, an estimate's quantity or grade). Every report is kept
  with its citation; at most one per figure is *in use* (a partial unique
  constraint); the record's own field carries the value in use, so totals read
  only that one, and pages show the others beside it ("also reported").
* ``StatusChange``: an agreement's status as of a (loose) date, cited; the
  agreement's ``status`` follows its latest entry (``deals.services.statuses``).
* ``Facility``: a processing plant, refinery, port… a deal can be located at.
"""

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deals.history.tracking import tracked
from deposits.models import Region
from minerals_portal.common.loose_dates import Precision, loose, precision_constraint
from minerals_portal.common.models import Named, Timestamped, plain_number

from .agreements import Agreement
from .companies import Company
from .sources import Source


class Qualifier(models.TextChoices):
    """How much a reported figure claims (amounts, estimates and grades share these)."""

    EXACT = "exact", _("exactly")
    APPROXIMATELY = "approximately", _("about")
    AT_LEAST = "at_least", _("at least")
    UP_TO = "up_to", _("up to")
    MORE_THAN = "more_than", _("more than")
    RANGE = "range", _("range")
    # The source gives the figure with no qualifier: "exactly" would claim more than it says.
    STATED = "stated", _("as stated")


@tracked
class FigureReport(Timestamped):
    class Field(models.TextChoices):
        VALUE = "value", _("amount")
        STAKE = "stake", _("stake")
        QUANTITY = "quantity", _("reserve / resource quantity")
        GRADE = "grade", _("grade")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=12, choices=Field.choices, default=Field.VALUE)
    value = models.DecimalField(max_digits=20, decimal_places=4)
    qualifier = models.CharField(max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT)
    unit = models.CharField(
        max_length=8, blank=True, help_text="Currency (ISO 4217) for money, else t, Mt, g/t, %."
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="figure_reports")
    quote = models.TextField(help_text="The sentence, verbatim, in the source's language.")
    in_use = models.BooleanField(
        default=False, help_text="The figure totals and pages use (at most one per figure)."
    )

    class Meta:
        ordering = ["-in_use", "source__published", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="figure_record_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field"],
                condition=Q(in_use=True),
                name="figure_one_in_use",
                violation_error_message="Another report of this figure is already in use.",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "source", "value"],
                name="figure_report_unique",
                violation_error_message="This source's report of this figure is already kept.",
            ),
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="figure_report_positive",
                violation_error_message="A reported figure must be positive.",
            ),
            models.CheckConstraint(
                condition=~Q(quote=""),
                name="figure_report_quoted",
                violation_error_message="A reported figure must quote the sentence it comes from.",
            ),
        ]

    def __str__(self) -> str:
        unit = f"{self.unit} " if self.unit else ""
        return f"{self.get_qualifier_display()} {unit}{plain_number(self.value)} ({self.source})"


@tracked
class StatusChange(Timestamped):
    """An agreement's status from a date on (announced → signed → lapsed …), cited."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(max_length=20, choices=Agreement.Status.choices)
    on = models.DateField()
    on_precision = models.CharField(max_length=5, choices=Precision.choices)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="status_changes")
    quote = models.TextField(help_text="The sentence, verbatim, in the source's language.")

    class Meta:
        ordering = ["agreement", "on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "status", "on"],
                name="status_change_unique",
                violation_error_message="This status change is already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(quote=""),
                name="status_change_quoted",
                violation_error_message="A status change must quote the sentence it relies on.",
            ),
            precision_constraint("on", "status_change_on_precision"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({loose(self.on, self.on_precision)})"

    @property
    def date(self):
        return loose(self.on, self.on_precision)


@tracked
class Facility(Named):
    """A plant, refinery, port or other site a deal is located at instead of a deposit."""

    class Kind(models.TextChoices):
        PROCESSING_PLANT = "processing_plant", _("processing plant")
        REFINERY = "refinery", _("refinery")
        SMELTER = "smelter", _("smelter")
        PORT = "port", _("port or terminal")
        OTHER = "other", _("other")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="facilities"
    )
    operator = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="facilities"
    )
    citations = GenericRelation("deals.Citation")

    class Meta(Named.Meta):
        verbose_name_plural = "facilities"
