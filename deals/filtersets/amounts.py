"""Filter set for amounts (money committed, valued, estimated)."""

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
    LooseDateFilter,
    SlugFilter,
    UpdatedSinceFilter,
)
from minerals_portal.common.currencies import ISO_4217

from .. import counting as rule
from ..models import (
    Agreement,
    Amount,
    Publication,
)
from ..visibility import visible_agreements, visible_deals, visible_deposits
from .base import (
    SUBSIDIARIES_HELP,
    PortalFilterSet,
    company_filter,
    in_region,
    subquery_in,
    with_usd,
)


class AmountFilterSet(PortalFilterSet):
    q = FoldedSearchFilter(
        key_paths=("deal__search_key", "deposit__search_key", "investor__search_key"),
        text_paths=("agreement__title",),
        help_text="Words to find in the names of the deal, deposit or investor, or in the "
        "agreement's title (Latin, Russian or Kazakh spelling; all words must match).",
    )
    deal = SlugFilter(queryset=visible_deals, field_name="deal")
    agreement = SlugFilter(queryset=visible_agreements, field_name="agreement")
    deposit = SlugFilter(
        queryset=visible_deposits,
        method="filter_deposit",
        help_text="The amount's deposit, or, when it names none, a deposit of its deal (slug).",
    )
    company = company_filter("The investor, or a party to the amount's agreement (slug).")
    include_subsidiaries = FlagFilter(help_text=SUBSIDIARIES_HELP)
    commodity = SlugFilter(
        queryset=Commodity.objects.all(),
        widget=forms.Select,
        method="filter_commodity",
        help_text="A commodity of the amount's deal or of its agreement (slug).",
    )
    country = CountryFilter(field_name="deal__host_country", help_text="The deal's host country.")
    investor_country = CountryFilter(field_name="investor__country")
    region = SlugFilter(
        queryset=Region.objects.all(),
        widget=forms.Select,
        method="filter_region",
        help_text="Region of a deposit.",
    )
    kind = filters.MultipleChoiceFilter(choices=Amount.Kind.choices)
    qualifier = filters.MultipleChoiceFilter(choices=Amount.Qualifier.choices)
    currency = filters.MultipleChoiceFilter(choices=[(c, c) for c in sorted(ISO_4217)])
    agreement_kind = filters.MultipleChoiceFilter(
        field_name="agreement__kind", choices=Agreement.Kind.choices,
        help_text="The kind of the agreement it belongs to.",
    )  # fmt: skip
    agreement_status = filters.MultipleChoiceFilter(
        field_name="agreement__status", choices=Agreement.Status.choices,
        help_text="The status of the agreement it belongs to.",
    )  # fmt: skip
    as_of_after = LooseDateFilter("as_of", "after")
    as_of_before = LooseDateFilter("as_of", "before")
    usd_min = filters.NumberFilter(
        method="filter_usd_min",
        min_value=0,
        max_digits=20,
        decimal_places=2,
        help_text="At least this many US dollars (a range counts if its upper end reaches it). "
        "Other currencies convert at the latest rate on or before as_of; amounts without "
        "a rate are left out.",
    )
    usd_max = filters.NumberFilter(
        method="filter_usd_max",
        min_value=0,
        max_digits=20,
        decimal_places=2,
        help_text="At most this many US dollars (by the lower end of a range); amounts "
        "without an exchange rate are left out.",
    )
    publication = filters.MultipleChoiceFilter(choices=Publication.choices)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Amount
        fields = []

    def filter_deposit(self, queryset, name, deposit):
        return rule.of_deposit(queryset, deposit)

    def filter_company(self, queryset, name, company):
        ids = self.chosen_companies(company)
        return queryset.filter(
            Q(investor_id__in=ids) | Q(agreement__in=self.party_agreements(ids).values("pk"))
        )

    def filter_commodity(self, queryset, name, commodity):
        return subquery_in(
            queryset, Q(deal__commodities=commodity) | Q(agreement__commodities=commodity)
        )

    def filter_region(self, queryset, name, region):
        return subquery_in(queryset, in_region(region, own="deposit__"))

    def filter_usd_min(self, queryset, name, value):
        return with_usd(queryset).filter(
            Q(usd_value_max__gte=value) | Q(usd_value_max__isnull=True, usd_value__gte=value)
        )

    def filter_usd_max(self, queryset, name, value):
        return with_usd(queryset).filter(usd_value__lte=value)
