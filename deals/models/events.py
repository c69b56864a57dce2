"""Dated happenings that put deals on a timeline."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deals.history.tracking import tracked
from deposits.models import Deposit
from minerals_portal.common.loose_dates import Precision, loose, precision_constraint
from minerals_portal.common.models import Timestamped, text_index

from .agreements import Agreement, Deal
from .companies import Company
from .publication import Publishable
from .versioning import Versioned


@tracked
class Event(Publishable, Versioned, Timestamped):
    class Kind(models.TextChoices):
        DISCOVERY = "discovery", _("discovery")
        BUSINESS_MISSION = "business_mission", _("business mission")
        SUMMIT = "summit", _("summit")
        INTERGOVERNMENTAL_MEMORANDUM = (
            "intergovernmental_memorandum",
            _("intergovernmental memorandum"),
        )
        CONFERENCE = "conference", _("conference")
        TARIFF_DECISION = "tariff_decision", _("tariff decision")
        SIGNING = "signing", _("signing")
        ANNOUNCEMENT = "announcement", _("announcement")
        OTHER = "other", _("other")

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    title_ru = models.CharField("title (Russian)", max_length=300, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    on = models.DateField("date")
    on_precision = models.CharField(max_length=5, choices=Precision.choices)
    end_on = models.DateField("end date", null=True, blank=True)
    end_on_precision = models.CharField(max_length=5, choices=Precision.choices, blank=True)
    deal = models.ForeignKey(
        Deal, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    deposits = models.ManyToManyField(Deposit, related_name="events", blank=True)
    companies = models.ManyToManyField(Company, related_name="events", blank=True)
    description = models.TextField(blank=True)
    description_ru = models.TextField("description (Russian)", blank=True)
    citations = GenericRelation("deals.Citation")

    class Meta:
        ordering = ["on", "title"]
        indexes = [
            models.Index(fields=["on", "id"], name="event_on_idx"),
            models.Index(fields=["updated_at", "id"], name="event_sync_idx"),
            text_index("title", "event_title_trgm"),
        ]
        constraints = [
            precision_constraint("on", "event_on_precision"),
            precision_constraint("end_on", "event_end_on_precision"),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("on")),
                name="event_end_after_start",
                violation_error_message="An event cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def date(self):
        return loose(self.on, self.on_precision)

    @property
    def end(self):
        return loose(self.end_on, self.end_on_precision)
