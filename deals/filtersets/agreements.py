"""Filter sets for agreements and their parties."""

import django_filters as filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Coalesce

from deposits.models import Commodity, Region
from minerals_portal.api.filters import (
    CountryFilter,
    FlagFilter,
    FoldedSearchFilter,
    LooseDateFilter,
    SlugFilter,
    StrictBooleanFilter,
    UpdatedSinceFilter,
)

from ..models import (
    Agreement,
    AgreementParty,
    Publication,
)
from ..visibility import visible_agreements, visible_deals, visible_deposits
from .base import (
    SUBSIDIARIES_HELP,
    PortalFilterSet,
    company_filter,
    in_region,
    parties_of,
    subquery_in,
)

# The date an agreement stands at on the timeline: signed, else announced.
AGREEMENT_DATE = Coalesce("signed_on", "announced_on")


class AgreementFilterSet(PortalFilterSet):
    q = FoldedSearchFilter(
        key_paths=("deal__search_key", "deposits__search_key", "parties__company__search_key"),
        text_paths=("title",),
        help_text="Words to find in the title, or in any name or alias of the deal, its "
        "deposits or its parties (Latin, Russian or Kazakh spelling; all words must match).",
    )
    deal = SlugFilter(queryset=visible_deals, field_name="deal")
    deposit = SlugFilter(
        queryset=visible_deposits,
        method="filter_deposit",
        help_text="A deposit of the agreement or of its deal (slug).",
    )
    company = company_filter("A party to the agreement, directly or via held_via (slug).")
    include_subsidiaries = FlagFilter(help_text=SUBSIDIARIES_HELP)
    role = filters.MultipleChoiceFilter(
        choices=AgreementParty.Role.choices,
        method="filter_role",
        help_text="A party's role (with company: that company's role).",
    )
    commodity = SlugFilter(
        queryset=Commodity.objects.all(),
        widget=forms.Select,
        method="filter_commodity",
        help_text="A commodity of the agreement or of its deal (slug).",
    )
    country = CountryFilter(field_name="deal__host_country", help_text="The deal's host country.")
    party_country = CountryFilter(
        method="filter_party_country", help_text="Country of one of the parties, e.g. US."
    )
    region = SlugFilter(
        queryset=Region.objects.all(),
        widget=forms.Select,
        method="filter_region",
        help_text="Region of a deposit.",
    )
    kind = filters.MultipleChoiceFilter(choices=Agreement.Kind.choices)
    status = filters.MultipleChoiceFilter(choices=Agreement.Status.choices)
    binding = StrictBooleanFilter(
        field_name="binding", help_text="Known to be binding (true) or non-binding (false)."
    )
    signed_after = LooseDateFilter("signed_on", "after")
    signed_before = LooseDateFilter("signed_on", "before")
    announced_after = LooseDateFilter("announced_on", "after")
    announced_before = LooseDateFilter("announced_on", "before")
    date_after = LooseDateFilter(
        "date", "after", expression=AGREEMENT_DATE,
        help_text="The agreement's date (signed, else announced) from this date on: YYYY, "
        "YYYY-MM or YYYY-MM-DD.",
    )  # fmt: skip
    date_before = LooseDateFilter(
        "date", "before", expression=AGREEMENT_DATE,
        help_text="The agreement's date (signed, else announced) up to the end of this date: "
        "YYYY, YYYY-MM or YYYY-MM-DD.",
    )  # fmt: skip
    publication = filters.MultipleChoiceFilter(choices=Publication.choices)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Agreement
        fields = []

    def filter_deposit(self, queryset, name, deposit):
        return subquery_in(queryset, Q(deposits=deposit) | Q(deal__deposits=deposit))

    def filter_company(self, queryset, name, company):
        ids = self.chosen_companies(company)
        parties = AgreementParty.objects.filter(parties_of(ids))
        roles = self.form.cleaned_data.get("role")
        if roles:
            parties = parties.filter(role__in=roles)
        return queryset.filter(pk__in=parties.values("agreement_id"))

    def filter_role(self, queryset, name, roles):
        if not roles or self.form.cleaned_data.get("company"):
            return queryset  # combined with company in filter_company
        return queryset.filter(
            pk__in=AgreementParty.objects.filter(role__in=roles).values("agreement_id")
        )

    def filter_commodity(self, queryset, name, commodity):
        return subquery_in(queryset, Q(commodities=commodity) | Q(deal__commodities=commodity))

    def filter_party_country(self, queryset, name, country):
        return queryset.filter(
            pk__in=AgreementParty.objects.filter(company__country=country).values("agreement_id")
        )

    def filter_region(self, queryset, name, region):
        return subquery_in(queryset, in_region(region))


class PartyFilterSet(PortalFilterSet):
    agreement = SlugFilter(queryset=visible_agreements, field_name="agreement")
    company = company_filter("The party (or the company it holds its stake via), by slug.")
    include_subsidiaries = FlagFilter(help_text=SUBSIDIARIES_HELP)
    role = filters.MultipleChoiceFilter(choices=AgreementParty.Role.choices)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = AgreementParty
        fields = []

    def filter_company(self, queryset, name, company):
        return queryset.filter(parties_of(self.chosen_companies(company)))
