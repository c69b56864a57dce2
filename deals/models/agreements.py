"""Deals (projects followed over time), their agreements, and the parties to them."""

import pgtrigger
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext_lazy as _

from deals.history.tracking import tracked
from deposits.models import Commodity, Deposit, Region
from minerals_portal.common.loose_dates import Precision, loose, precision_constraint
from minerals_portal.common.models import Named, Timestamped, key_index, plain_number

from .companies import Company
from .publication import Publishable
from .versioning import Versioned

# The name the stake-total refusal carries (see ``STAKE_TOTAL_CHECK``).
STAKE_TOTAL_CONSTRAINT = "party_stake_total"

# The parties' stakes in one agreement total at most 100 %. Checked at commit (a
# deferred constraint trigger), so a reallocation written row by row passes; the
# agreement row is locked first, so concurrent writers to one agreement are summed
# one after the other and cannot both commit a total over 100 %.
STAKE_TOTAL_CHECK = f"""
    SELECT title INTO agreement_title FROM deals_agreement
     WHERE id = NEW.agreement_id FOR NO KEY UPDATE;
    SELECT COALESCE(SUM(stake), 0) INTO total
      FROM deals_agreementparty WHERE agreement_id = NEW.agreement_id;
    IF total > 100 THEN
        RAISE EXCEPTION 'The parties'' stakes in agreement “%” total % %%, more than 100 %%.',
            agreement_title, trim_scale(total)
            USING ERRCODE = 'check_violation', CONSTRAINT = '{STAKE_TOTAL_CONSTRAINT}',
                  TABLE = 'deals_agreementparty', COLUMN = 'stake',
                  DETAIL = format('agreement_id=%s', NEW.agreement_id);
    END IF;
    RETURN NULL;
"""


@tracked
class Deal(Publishable, Versioned, Named):
    summary = models.TextField(blank=True)
    summary_ru = models.TextField("summary (Russian)", blank=True)
    host_country = models.CharField("host country (ISO 3166-1)", max_length=2, default="KZ")
    deposits = models.ManyToManyField(Deposit, related_name="deals", blank=True)
    commodities = models.ManyToManyField(Commodity, related_name="deals", blank=True)
    regions = models.ManyToManyField(
        Region, related_name="deals", blank=True,
        help_text="Where the deal is, when no deposit locates it (or besides its deposits).",
    )  # fmt: skip
    facilities = models.ManyToManyField(
        "deals.Facility", related_name="deals", blank=True,
        help_text="A processing plant, refinery or other site the deal is located at.",
    )  # fmt: skip
    citations = GenericRelation("deals.Citation")

    class Meta(Named.Meta):
        permissions = [("publish", "Can publish and withdraw deals, agreements, amounts, events")]
        indexes = [
            key_index("deal_key_trgm"),
            # What public lists hide with an unpublished deal (see Agreement's index).
            models.Index(
                fields=["id"], condition=~Q(publication="published"), name="deal_unpublished_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="deal_name_unique",
                violation_error_message="A deal with this name already exists.",
            ),
            models.CheckConstraint(
                condition=Q(host_country__regex=r"^[A-Z]{2}$"),
                name="deal_host_country_iso",
                violation_error_message="Host country must be an ISO 3166-1 alpha-2 code.",
            ),
        ]


@tracked
class Agreement(Publishable, Versioned, Timestamped):
    class Kind(models.TextChoices):
        MEMORANDUM = "memorandum", _("memorandum")
        FRAMEWORK = "framework", _("framework agreement")
        LETTER_OF_INTEREST = "letter_of_interest", _("letter of interest")
        NON_BINDING_PARTNERSHIP = "non_binding_partnership", _("non-binding partnership")
        SPA = "spa", _("share purchase agreement")
        FOUNDING_AGREEMENT = "founding_agreement", _("founding / shareholders agreement")
        JOINT_VENTURE = "joint_venture", _("joint venture")
        OFFTAKE = "offtake", _("offtake")
        LICENCE = "licence", _("licence")
        SUPPLY_CONTRACT = "supply_contract", _("supply contract")
        INFRASTRUCTURE_CONTRACT = "infrastructure_contract", _("infrastructure contract")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("announced")
        UNDER_NEGOTIATION = "under_negotiation", _("under negotiation")
        SIGNED = "signed", _("signed")
        BINDING = "binding", _("binding")
        IN_FORCE = "in_force", _("in force")
        COMPLETED = "completed", _("completed")
        LAPSED = "lapsed", _("lapsed")
        TERMINATED = "terminated", _("terminated")

    slug = models.SlugField(max_length=80, unique=True)
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(max_length=300)
    title_ru = models.CharField("title (Russian)", max_length=300, blank=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    announced_on = models.DateField(null=True, blank=True)
    announced_on_precision = models.CharField(max_length=5, choices=Precision.choices, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    signed_on_precision = models.CharField(max_length=5, choices=Precision.choices, blank=True)
    venue = models.CharField("venue or occasion", max_length=300, blank=True)
    binding = models.BooleanField(null=True, blank=True, help_text="Empty when not known.")
    deposits = models.ManyToManyField(Deposit, related_name="agreements", blank=True)
    commodities = models.ManyToManyField(Commodity, related_name="agreements", blank=True)
    companies = models.ManyToManyField(
        Company,
        through="AgreementParty",
        through_fields=("agreement", "company"),
        related_name="agreements",
    )
    citations = GenericRelation("deals.Citation")

    class Meta:
        ordering = ["signed_on", "announced_on", "title"]
        # The timeline orders agreements by their signing, else announcement, date.
        indexes = [
            models.Index(Coalesce("signed_on", "announced_on"), F("id"), name="agreement_date_idx"),
            # Public lists hide what belongs to an unpublished agreement: few rows, found
            # through this small index instead of a scan of every agreement.
            models.Index(
                fields=["id"],
                condition=~Q(publication="published"),
                name="agreement_unpublished_idx",
            ),
            # Partners' incremental sync walks the list in (updated_at, id) order.
            models.Index(fields=["updated_at", "id"], name="agreement_sync_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("title"),
                "deal",
                name="agreement_title_unique_in_deal",
                violation_error_message="This deal already has an agreement with this title.",
            ),
            precision_constraint("announced_on", "agreement_announced_precision"),
            precision_constraint("signed_on", "agreement_signed_precision"),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=False)
                | ~Q(status__in=["signed", "binding", "in_force", "completed"])
                | Q(announced_on__isnull=False),
                name="agreement_signed_has_a_date",
                violation_error_message="A signed agreement needs a signing or announcement date.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def announced(self):
        return loose(self.announced_on, self.announced_on_precision)

    @property
    def signed(self):
        return loose(self.signed_on, self.signed_on_precision)

    @property
    def date(self):
        """The date an analyst files the agreement under: signing, else announcement."""
        return self.signed or self.announced


@tracked
class AgreementParty(Versioned, Timestamped):
    class Role(models.TextChoices):
        INVESTOR = "investor", _("investor")
        STATE_PARTNER = "state_partner", _("state partner")
        OFFTAKER = "offtaker", _("offtaker")
        FINANCIER = "financier", _("financier")
        GOVERNMENT_SIGNATORY = "government_signatory", _("government signatory")
        OPERATOR = "operator", _("operator")
        SELLER = "seller", _("seller")
        BUYER = "buyer", _("buyer")
        PARTNER = "partner", _("partner")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="party_roles")
    role = models.CharField(max_length=24, choices=Role.choices)
    stake = models.DecimalField("stake (%)", max_digits=6, decimal_places=3, null=True, blank=True)
    held_via = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_stakes",
        help_text="The subsidiary through which the stake is held, if any.",
    )
    citations = GenericRelation("deals.Citation")
    reports = GenericRelation("deals.FigureReport")

    class Meta:
        verbose_name_plural = "agreement parties"
        ordering = ["agreement", "-stake", "company__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "company", "role"],
                name="party_unique_role",
                violation_error_message="This company already has this role in the agreement.",
            ),
            models.CheckConstraint(
                condition=Q(stake__isnull=True) | Q(stake__gt=0, stake__lte=100),
                name="party_stake_range",
                violation_error_message="A stake lies between 0 and 100 %%.",
            ),
            models.CheckConstraint(
                condition=Q(held_via__isnull=True) | ~Q(held_via=models.F("company")),
                name="party_held_via_other",
                violation_error_message="A stake cannot be held via the company itself.",
            ),
        ]
        # The "at most 100 % per agreement" rule spans rows: a deferred trigger,
        # forced early by ``deals.services.stakes.check_stake_totals``.
        triggers = [
            pgtrigger.Trigger(
                name="stake_total",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.UpdateOf("stake", "agreement_id"),
                condition=pgtrigger.Q(new__stake__isnull=False),
                timing=pgtrigger.Deferred,
                declare=[("agreement_title", "text"), ("total", "numeric")],
                func=STAKE_TOTAL_CHECK,
            )
        ]

    def __str__(self) -> str:
        stake = f", {plain_number(self.stake)} %" if self.stake is not None else ""
        return f"{self.company} ({self.get_role_display()}{stake})"
