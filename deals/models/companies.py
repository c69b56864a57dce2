"""Organisations that can be party to a deal, and who owns whom."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deals.history.tracking import tracked
from deposits.models import Deposit
from minerals_portal.common.models import Named, Timestamped, key_index, plain_number

from .publication import Publishable


@tracked
class Company(Publishable, Named):
    class Kind(models.TextChoices):
        NATIONAL_COMPANY = "national_company", _("national company")
        SOVEREIGN_FUND = "sovereign_fund", _("sovereign wealth fund")
        PRIVATE_INVESTOR = "private_investor", _("private investor")
        MINER = "miner", _("miner")
        PROCESSOR = "processor", _("processor")
        EXPORT_CREDIT_AGENCY = "export_credit_agency", _("export-credit agency")
        PLANT = "plant", _("plant")
        GOVERNMENT = "government", _("government")
        MINISTRY = "ministry", _("ministry")
        BUSINESS_ASSOCIATION = "business_association", _("business association")
        LOGISTICS = "logistics", _("logistics")
        OTHER = "other", _("other")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    country = models.CharField(
        "ISO 3166-1 country", max_length=2, blank=True,
        help_text="Empty when the sources do not state it (shown as “not stated”).",
    )  # fmt: skip
    description = models.TextField(blank=True)
    description_ru = models.TextField("description (Russian)", blank=True)
    owned_deposits = models.ManyToManyField(
        Deposit, related_name="owners", blank=True,
        help_text="Deposits (or projects on them) a source says the company owns; cite the "
        "sentence on the company with field 'owned_deposits'.",
    )  # fmt: skip
    citations = GenericRelation("deals.Citation")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        indexes = [key_index("company_key_trgm")]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="company_name_unique",
                violation_error_message="A company with this name already exists.",
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="company_country_iso",
                violation_error_message="Country must be an ISO 3166-1 alpha-2 code such as KZ "
                "(or empty when the sources do not state it).",
            ),
        ]

    @property
    def country_shown(self) -> str:
        return self.country or str(_("not stated"))

    def clean(self):
        if not isinstance(self.aliases, list) or not all(
            isinstance(a, str) and a.strip() for a in self.aliases
        ):
            raise ValidationError({"aliases": "Aliases must be a list of non-empty names."})


@tracked
class Ownership(Timestamped):
    """``parent`` owns (part of) ``child``; a stake range when only bounds are known."""

    class Relation(models.TextChoices):
        SUBSIDIARY = "subsidiary", _("subsidiary")
        PORTFOLIO_COMPANY = "portfolio_company", _("portfolio company")
        MERGER_PARENT = "merger_parent", _("merger parent")
        AFFILIATE = "affiliate", _("affiliate")

    parent = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="child_links")
    child = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="parent_links")
    relation = models.CharField(max_length=20, choices=Relation.choices)
    stake_min = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    stake_max = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    citations = GenericRelation("deals.Citation")

    class Meta:
        ordering = ["parent__name", "child__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("child")),
                name="ownership_not_self",
                violation_error_message="A company cannot own itself.",
            ),
            models.UniqueConstraint(
                fields=["parent", "child"],
                name="ownership_unique",
                violation_error_message="This ownership link already exists.",
            ),
            models.CheckConstraint(
                condition=(Q(stake_min__isnull=True) | Q(stake_min__gte=0, stake_min__lte=100))
                & (Q(stake_max__isnull=True) | Q(stake_max__gte=0, stake_max__lte=100))
                & (
                    Q(stake_min__isnull=True)
                    | Q(stake_max__isnull=True)
                    | Q(stake_min__lte=F("stake_max"))
                ),
                name="ownership_stake_range",
                violation_error_message="Stakes lie between 0 and 100 %%, minimum ≤ maximum.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} → {self.child} ({self.get_relation_display()})"

    @property
    def stake_label(self) -> str:
        lo, hi = self.stake_min, self.stake_max
        if lo is None and hi is None:
            return gettext("stake not stated")
        if lo == hi:
            return f"{plain_number(lo)} %"
        if hi is None:
            return f"≥ {plain_number(lo)} %"
        if lo is None:
            return f"≤ {plain_number(hi)} %"
        return f"{plain_number(lo)}–{plain_number(hi)} %"
