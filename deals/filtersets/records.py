"""Filter sets for events, sources and tombstones."""

import django_filters as filters
from django import forms
from django.db.models import (
    Q,
)
from django.utils.translation import gettext_lazy as _

from deposits.models import Commodity, Region
from minerals_portal.api.filters import (
    AwareDateTimeFilter,
    CountryFilter,
    FlagFilter,
    FoldedSearchFilter,
    LooseDateFilter,
    SlugFilter,
    UpdatedSinceFilter,
)
from minerals_portal.common.languages import ISO_639_1

from ..models import (
    Agreement,
    Event,
    Publication,
    Source,
    Tombstone,
)
from ..visibility import visible_agreements, visible_deals, visible_deposits
from .base import SUBSIDIARIES_HELP, PortalFilterSet, company_filter, in_region, subquery_in


class EventFilterSet(PortalFilterSet):
    q = FoldedSearchFilter(
        key_paths=("deal__search_key", "deposits__search_key", "companies__search_key"),
        text_paths=("title",),
        help_text="Words to find in the title, or in any name of the deal, deposits or "
        "companies (Latin, Russian or Kazakh spelling; all words must match).",
    )
    deal = SlugFilter(queryset=visible_deals, field_name="deal")
    agreement = SlugFilter(queryset=visible_agreements, field_name="agreement")
    deposit = SlugFilter(
        queryset=visible_deposits,
        method="filter_deposit",
        help_text="A deposit of the event or of its deal (slug).",
    )
    company = company_filter("A company taking part, or a party to the event's agreement.")
    include_subsidiaries = FlagFilter(help_text=SUBSIDIARIES_HELP)
    commodity = SlugFilter(
        queryset=Commodity.objects.all(),
        widget=forms.Select,
        method="filter_commodity",
        help_text="A commodity of the event's deal or deposits (slug).",
    )
    country = CountryFilter(field_name="deal__host_country", help_text="The deal's host country.")
    region = SlugFilter(
        queryset=Region.objects.all(),
        widget=forms.Select,
        method="filter_region",
        help_text="Region of a deposit.",
    )
    kind = filters.MultipleChoiceFilter(choices=Event.Kind.choices)
    agreement_kind = filters.MultipleChoiceFilter(
        field_name="agreement__kind", choices=Agreement.Kind.choices,
        help_text="The kind of the agreement it belongs to.",
    )  # fmt: skip
    agreement_status = filters.MultipleChoiceFilter(
        field_name="agreement__status", choices=Agreement.Status.choices,
        help_text="The status of the agreement it belongs to.",
    )  # fmt: skip
    date_after = LooseDateFilter("on", "after")
    date_before = LooseDateFilter("on", "before")
    publication = filters.MultipleChoiceFilter(choices=Publication.choices)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Event
        fields = []

    def filter_deposit(self, queryset, name, deposit):
        return subquery_in(queryset, Q(deposits=deposit) | Q(deal__deposits=deposit))

    def filter_company(self, queryset, name, company):
        ids = self.chosen_companies(company)
        return subquery_in(
            queryset,
            Q(companies__in=ids) | Q(agreement__in=self.party_agreements(ids).values("pk")),
        )

    def filter_commodity(self, queryset, name, commodity):
        return subquery_in(
            queryset,
            Q(deal__commodities=commodity) | Q(deposits__deposit_commodities__commodity=commodity),
        )

    def filter_region(self, queryset, name, region):
        return subquery_in(queryset, in_region(region))


class SourceFilterSet(PortalFilterSet):
    q = FoldedSearchFilter(
        key_paths=(),
        text_paths=("title", "publisher"),
        label=_("Words"),
        help_text="Words to find in the title or publisher (all words must match).",
    )
    publisher = filters.CharFilter(lookup_expr="iexact", max_length=200)
    language = filters.MultipleChoiceFilter(choices=ISO_639_1)
    kind = filters.MultipleChoiceFilter(choices=Source.Kind.choices)
    published_after = LooseDateFilter("published", "after")
    published_before = LooseDateFilter("published", "before")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Source
        fields = []


TOMBSTONE_RESOURCES = [
    "agreements",
    "amounts",
    "commodities",
    "companies",
    "deals",
    "deposits",
    "events",
    "parties",
    "sources",
]


class TombstoneFilterSet(filters.FilterSet):
    since = AwareDateTimeFilter(
        field_name="deleted_at",
        lookup_expr="gte",
        help_text="ISO 8601 date-time with offset: deletions at or after it (use the time of "
        "your previous sync).",
    )
    resource = filters.MultipleChoiceFilter(choices=[(r, r) for r in TOMBSTONE_RESOURCES])

    class Meta:
        model = Tombstone
        fields = []
