"""Filter sets for companies and deals."""

import django_filters as filters
from django import forms
from django.db.models import (
    Q,
)

from deposits.models import Commodity, Region
from minerals_portal.api.filters import (
    CountryFilter,
    FlagFilter,
    FoldedSearchFilter,
    SlugFilter,
    UpdatedSinceFilter,
)

from ..models import (
    Agreement,
    AgreementParty,
    Amount,
    Company,
    Deal,
    Publication,
)
from ..visibility import visible, visible_companies, visible_deals, visible_deposits
from .base import SUBSIDIARIES_HELP, PortalFilterSet, company_filter, company_ids, subquery_in


class CompanyFilterSet(PortalFilterSet):
    q = FoldedSearchFilter()
    kind = filters.MultipleChoiceFilter(choices=Company.Kind.choices)
    country = CountryFilter(field_name="country", help_text="ISO 3166-1 alpha-2, e.g. KZ.")
    deal = SlugFilter(
        queryset=visible_deals, method="filter_deal", help_text="Parties to this deal (slug)."
    )
    deposit = SlugFilter(
        queryset=visible_deposits,
        method="filter_deposit",
        help_text="Parties to agreements on this deposit (slug).",
    )
    subsidiaries_of = SlugFilter(
        queryset=visible_companies,
        method="filter_subsidiaries",
        help_text="Companies owned by this one (slug), directly or transitively.",
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Company
        fields = []

    def _party_companies(self, agreements):
        parties = AgreementParty.objects.filter(agreement__in=agreements)
        return Q(pk__in=parties.values("company_id")) | Q(pk__in=parties.values("held_via_id"))

    def filter_deal(self, queryset, name, deal):
        agreements = visible(Agreement.objects.filter(deal=deal), self.show_drafts)
        return queryset.filter(self._party_companies(agreements))

    def filter_deposit(self, queryset, name, deposit):
        agreements = visible(
            Agreement.objects.filter(Q(deposits=deposit) | Q(deal__deposits=deposit)),
            self.show_drafts,
        )
        return queryset.filter(self._party_companies(agreements))

    def filter_subsidiaries(self, queryset, name, company):
        return queryset.filter(pk__in=company_ids(company, True) - {company.pk})


class DealFilterSet(PortalFilterSet):
    q = FoldedSearchFilter(
        key_paths=("search_key", "deposits__search_key", "agreements__parties__company__search_key")
    )
    deposit = SlugFilter(queryset=visible_deposits, field_name="deposits")
    commodity = SlugFilter(
        queryset=Commodity.objects.all(),
        widget=forms.Select,
        method="filter_commodity",
        help_text="The deal's commodities, or those of its deposits (slug).",
    )
    company = company_filter("A party to one of the deal's agreements, or an investor (slug).")
    include_subsidiaries = FlagFilter(help_text=SUBSIDIARIES_HELP)
    country = CountryFilter(field_name="host_country", help_text="Host country, e.g. KZ.")
    region = SlugFilter(
        queryset=Region.objects.all(),
        widget=forms.Select,
        method="filter_region",
        help_text="Region of a deposit of the deal, or the deal's own region or facility.",
    )
    publication = filters.MultipleChoiceFilter(choices=Publication.choices)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Deal
        fields = []

    def filter_commodity(self, queryset, name, commodity):
        return subquery_in(
            queryset,
            Q(commodities=commodity) | Q(deposits__deposit_commodities__commodity=commodity),
        )

    def filter_company(self, queryset, name, company):
        ids = self.chosen_companies(company)
        amounts = visible(Amount.objects.filter(investor_id__in=ids), self.show_drafts)
        return queryset.filter(
            Q(pk__in=self.party_agreements(ids).values("deal_id"))
            | Q(pk__in=amounts.values("deal_id"))
        )

    def filter_region(self, queryset, name, region):
        return subquery_in(
            queryset,
            Q(deposits__regions=region) | Q(regions=region) | Q(facilities__region=region),
        )
