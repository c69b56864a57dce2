"""Filter sets for deposits and commodities (shared by the API and server-rendered pages)."""

import django_filters as filters
from django import forms
from django.db.models import Q

from deals.filtersets import PortalFilterSet, company_filter
from deals.models import Agreement, Amount
from deals.visibility import visible, visible_deals, visible_deposits
from minerals_portal.api.filters import (
    CountryFilter,
    FlagFilter,
    FoldedSearchFilter,
    SlugFilter,
    StrictBooleanFilter,
    UpdatedSinceFilter,
)

from .models import Commodity, Deposit, Region

SUBSIDIARIES_HELP = "With company: also follow Ownership links to its subsidiaries, transitively."


class DepositFilterSet(PortalFilterSet):
    q = FoldedSearchFilter(
        key_paths=("search_key", "regions__search_key"),
        help_text="Words to find in any name or alias of the deposit or its region "
        "(Latin, Russian or Kazakh spelling; all words must match).",
    )
    commodity = SlugFilter(
        queryset=Commodity.objects.all(),
        widget=forms.Select,
        field_name="deposit_commodities__commodity",
    )
    region = SlugFilter(queryset=Region.objects.all(), widget=forms.Select, field_name="regions")
    country = CountryFilter(method="filter_country", help_text="Country of the deposit's region.")
    kind = filters.MultipleChoiceFilter(choices=Deposit.Kind.choices)
    stage = filters.MultipleChoiceFilter(choices=Deposit.Stage.choices)
    deal = SlugFilter(queryset=visible_deals, field_name="deals")
    company = company_filter(
        "A party to an agreement on the deposit (or on a deal covering it), or an investor."
    )
    include_subsidiaries = FlagFilter(help_text=SUBSIDIARIES_HELP)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Deposit
        fields = []

    def filter_country(self, queryset, name, country):
        return queryset.filter(pk__in=Deposit.objects.filter(regions__country=country).values("pk"))

    def filter_company(self, queryset, name, company):
        ids = self.chosen_companies(company)
        agreements = self.party_agreements(ids)
        amounts = visible(Amount.objects.filter(investor_id__in=ids), self.show_drafts)
        through = Agreement.deposits.through.objects.filter(agreement__in=agreements)
        deal_through = Deposit.deals.through.objects.filter(deal__in=agreements.values("deal_id"))
        return queryset.filter(
            Q(pk__in=through.values("deposit_id"))
            | Q(pk__in=deal_through.values("deposit_id"))
            | Q(pk__in=amounts.values("deposit_id"))
        )


class CommodityFilterSet(PortalFilterSet):
    q = FoldedSearchFilter(
        help_text="Words to find in the name or any alias (Latin, Russian or Kazakh spelling)."
    )
    code = filters.CharFilter(lookup_expr="iexact", max_length=12, help_text="E.g. W or REE.")
    group = filters.MultipleChoiceFilter(choices=Commodity.Group.choices)
    usgs_2022 = StrictBooleanFilter(field_name="usgs_2022")
    usgs_2025 = StrictBooleanFilter(field_name="usgs_2025")
    deposit = SlugFilter(queryset=visible_deposits, field_name="deposits")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Commodity
        fields = []
