"""Filter sets for companies, deals, agreements, parties, amounts, events, sources, tombstones.

Shared by the API and by server-rendered pages: pass ``request`` so that the
visibility rules (drafts only for staff roles) apply to related look-ups too.
"""

from collections import defaultdict
from decimal import Decimal

import django_filters as filters
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from deposits.models import Commodity, Deposit, Region
from minerals_portal.api.filters import (
    CountryFilter,
    FlagFilter,
    FoldedSearchFilter,
    LooseDateFilter,
    SlugFilter,
    StrictBooleanFilter,
    UpdatedSinceFilter,
)
from minerals_portal.api.permissions import can_see_drafts
from minerals_portal.common.currencies import ISO_4217

from .models import (
    Agreement,
    AgreementParty,
    Amount,
    Company,
    Deal,
    Event,
    ExchangeRate,
    Ownership,
    Publication,
    Source,
    Tombstone,
)

# --- visibility -------------------------------------------------------------

P = Publication.PUBLISHED


def _no_hidden(model, ref: str) -> Q:
    """The record ``ref`` points to is published, or there is none.

    Written as "no unpublished such record exists": unpublished rows are few, so
    the database anti-joins against a small set instead of joining every row.
    """
    hidden = model.objects.filter(pk=OuterRef(ref)).exclude(publication=P)
    return Q(~Exists(hidden))


# What partners and the public may see: the record and the records it belongs to
# are published. Staff roles see everything, drafts marked by ``publication``.
PUBLIC = {
    Deal: Q(publication=P),
    Agreement: Q(publication=P) & _no_hidden(Deal, "deal_id"),
    AgreementParty: _no_hidden(Agreement, "agreement_id") & _no_hidden(Deal, "agreement__deal_id"),
    Amount: Q(publication=P) & _no_hidden(Deal, "deal_id") & _no_hidden(Agreement, "agreement_id"),
    Event: Q(publication=P) & _no_hidden(Deal, "deal_id") & _no_hidden(Agreement, "agreement_id"),
}


def visible(queryset, show_drafts: bool):
    condition = PUBLIC.get(queryset.model)
    if show_drafts or condition is None:
        return queryset
    return queryset.filter(condition)


def shows_drafts(request) -> bool:
    return can_see_drafts(getattr(request, "user", None))


def visible_deals(request):
    return visible(Deal.objects.all(), shows_drafts(request))


def visible_agreements(request):
    return visible(Agreement.objects.all(), shows_drafts(request))


# --- helpers ------------------------------------------------------------------


def company_ids(company: Company, include_subsidiaries: bool) -> set[int]:
    """The company, and with ``include_subsidiaries`` every company it owns, transitively.

    Ownership links may form cycles (A owns B owns A); each company is visited once.
    """
    ids = {company.pk}
    if not include_subsidiaries:
        return ids
    children = defaultdict(list)
    for parent_id, child_id in Ownership.objects.values_list("parent_id", "child_id"):
        children[parent_id].append(child_id)
    frontier = [company.pk]
    while frontier:
        found = [c for p in frontier for c in children[p] if c not in ids]
        ids.update(found)
        frontier = found
    return ids


def with_usd(queryset):
    """Annotate amounts with ``usd_value`` and ``usd_value_max``.

    USD amounts convert 1:1; other currencies at the latest ``ExchangeRate`` on or
    before the amount's ``as_of``. Without such a rate both are NULL.
    """
    if "usd_value" in queryset.query.annotations:
        return queryset
    rate = (
        ExchangeRate.objects.filter(currency=OuterRef("currency"), on__lte=OuterRef("as_of"))
        .order_by("-on")
        .values("usd_per_unit")[:1]
    )
    money = DecimalField(max_digits=34, decimal_places=2)
    return queryset.annotate(
        usd_rate=Case(
            When(currency="USD", then=Value(Decimal(1))),
            default=Subquery(rate),
            output_field=DecimalField(max_digits=20, decimal_places=10),
        )
    ).annotate(
        usd_value=ExpressionWrapper(F("value") * F("usd_rate"), output_field=money),
        usd_value_max=ExpressionWrapper(F("value_max") * F("usd_rate"), output_field=money),
    )


def _subquery_in(queryset, condition: Q):
    """Keep rows matching ``condition`` (which may cross many-valued relations) once each.

    An OR is split into a subquery per branch: one subquery over all branches
    joins every row to every relation before it can filter, which reads the
    whole table on each request.
    """
    base = queryset.model._base_manager
    split = condition.connector == Q.OR and not condition.negated
    keep = Q()
    for branch in condition.children if split else [condition]:
        keep |= Q(pk__in=base.filter(branch if isinstance(branch, Q) else Q(branch)).values("pk"))
    return queryset.filter(keep)


def _parties(ids) -> Q:
    return Q(company_id__in=ids) | Q(held_via_id__in=ids)


class PortalFilterSet(filters.FilterSet):
    @property
    def show_drafts(self) -> bool:
        return shows_drafts(self.request)

    def party_agreements(self, ids):
        """Visible agreements with a party (directly or via ``held_via``) among ``ids``."""
        parties = AgreementParty.objects.filter(_parties(ids)).values("agreement_id")
        return visible(Agreement.objects.filter(pk__in=parties), self.show_drafts)

    def chosen_companies(self, company) -> set[int]:
        include = self.form.cleaned_data.get("include_subsidiaries")
        return company_ids(company, bool(include))


SUBSIDIARIES_HELP = (
    "With company: also match every company the given one owns, directly or "
    "through other subsidiaries (Ownership links, followed transitively)."
)


def company_filter(help_text):
    return SlugFilter(queryset=Company.objects.all(), method="filter_company", help_text=help_text)


# --- filter sets ----------------------------------------------------------------


class CompanyFilterSet(PortalFilterSet):
    q = FoldedSearchFilter()
    kind = filters.MultipleChoiceFilter(choices=Company.Kind.choices)
    country = CountryFilter(field_name="country", help_text="ISO 3166-1 alpha-2, e.g. KZ.")
    deal = SlugFilter(
        queryset=visible_deals, method="filter_deal", help_text="Parties to this deal (slug)."
    )
    deposit = SlugFilter(
        queryset=Deposit.objects.all(),
        method="filter_deposit",
        help_text="Parties to agreements on this deposit (slug).",
    )
    subsidiaries_of = SlugFilter(
        queryset=Company.objects.all(),
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
    deposit = SlugFilter(queryset=Deposit.objects.all(), field_name="deposits")
    commodity = SlugFilter(
        queryset=Commodity.objects.all(),
        method="filter_commodity",
        help_text="The deal's commodities, or those of its deposits (slug).",
    )
    company = company_filter("A party to one of the deal's agreements, or an investor (slug).")
    include_subsidiaries = FlagFilter(help_text=SUBSIDIARIES_HELP)
    country = CountryFilter(field_name="host_country", help_text="Host country, e.g. KZ.")
    region = SlugFilter(
        queryset=Region.objects.all(), method="filter_region", help_text="Region of a deposit."
    )
    publication = filters.MultipleChoiceFilter(choices=Publication.choices)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Deal
        fields = []

    def filter_commodity(self, queryset, name, commodity):
        return _subquery_in(
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
        return _subquery_in(queryset, Q(deposits__regions=region))


class AgreementFilterSet(PortalFilterSet):
    q = FoldedSearchFilter(
        key_paths=("deal__search_key", "deposits__search_key", "parties__company__search_key"),
        text_paths=("title",),
        help_text="Words to find in the title, or in any name or alias of the deal, its "
        "deposits or its parties (Latin, Russian or Kazakh spelling; all words must match).",
    )
    deal = SlugFilter(queryset=visible_deals, field_name="deal")
    deposit = SlugFilter(
        queryset=Deposit.objects.all(),
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
        method="filter_commodity",
        help_text="A commodity of the agreement or of its deal (slug).",
    )
    country = CountryFilter(field_name="deal__host_country", help_text="The deal's host country.")
    party_country = CountryFilter(
        method="filter_party_country", help_text="Country of one of the parties, e.g. US."
    )
    region = SlugFilter(
        queryset=Region.objects.all(), method="filter_region", help_text="Region of a deposit."
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
    publication = filters.MultipleChoiceFilter(choices=Publication.choices)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Agreement
        fields = []

    def filter_deposit(self, queryset, name, deposit):
        return _subquery_in(queryset, Q(deposits=deposit) | Q(deal__deposits=deposit))

    def filter_company(self, queryset, name, company):
        ids = self.chosen_companies(company)
        parties = AgreementParty.objects.filter(_parties(ids))
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
        return _subquery_in(queryset, Q(commodities=commodity) | Q(deal__commodities=commodity))

    def filter_party_country(self, queryset, name, country):
        return queryset.filter(
            pk__in=AgreementParty.objects.filter(company__country=country).values("agreement_id")
        )

    def filter_region(self, queryset, name, region):
        return _subquery_in(
            queryset, Q(deposits__regions=region) | Q(deal__deposits__regions=region)
        )


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
        return queryset.filter(_parties(self.chosen_companies(company)))


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
        queryset=Deposit.objects.all(),
        method="filter_deposit",
        help_text="The amount's deposit, or a deposit of its deal (slug).",
    )
    company = company_filter("The investor, or a party to the amount's agreement (slug).")
    include_subsidiaries = FlagFilter(help_text=SUBSIDIARIES_HELP)
    commodity = SlugFilter(
        queryset=Commodity.objects.all(),
        method="filter_commodity",
        help_text="A commodity of the amount's deal (slug).",
    )
    country = CountryFilter(field_name="deal__host_country", help_text="The deal's host country.")
    investor_country = CountryFilter(field_name="investor__country")
    region = SlugFilter(
        queryset=Region.objects.all(), method="filter_region", help_text="Region of a deposit."
    )
    kind = filters.MultipleChoiceFilter(choices=Amount.Kind.choices)
    qualifier = filters.MultipleChoiceFilter(choices=Amount.Qualifier.choices)
    currency = filters.MultipleChoiceFilter(choices=[(c, c) for c in sorted(ISO_4217)])
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
        return _subquery_in(queryset, Q(deposit=deposit) | Q(deal__deposits=deposit))

    def filter_company(self, queryset, name, company):
        ids = self.chosen_companies(company)
        return queryset.filter(
            Q(investor_id__in=ids) | Q(agreement__in=self.party_agreements(ids).values("pk"))
        )

    def filter_commodity(self, queryset, name, commodity):
        return _subquery_in(queryset, Q(deal__commodities=commodity))

    def filter_region(self, queryset, name, region):
        return _subquery_in(
            queryset, Q(deposit__regions=region) | Q(deal__deposits__regions=region)
        )

    def filter_usd_min(self, queryset, name, value):
        return with_usd(queryset).filter(
            Q(usd_value_max__gte=value) | Q(usd_value_max__isnull=True, usd_value__gte=value)
        )

    def filter_usd_max(self, queryset, name, value):
        return with_usd(queryset).filter(usd_value__lte=value)


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
        queryset=Deposit.objects.all(),
        method="filter_deposit",
        help_text="A deposit of the event or of its deal (slug).",
    )
    company = company_filter("A company taking part, or a party to the event's agreement.")
    include_subsidiaries = FlagFilter(help_text=SUBSIDIARIES_HELP)
    commodity = SlugFilter(
        queryset=Commodity.objects.all(),
        method="filter_commodity",
        help_text="A commodity of the event's deal or deposits (slug).",
    )
    country = CountryFilter(field_name="deal__host_country", help_text="The deal's host country.")
    region = SlugFilter(
        queryset=Region.objects.all(), method="filter_region", help_text="Region of a deposit."
    )
    kind = filters.MultipleChoiceFilter(choices=Event.Kind.choices)
    date_after = LooseDateFilter("on", "after")
    date_before = LooseDateFilter("on", "before")
    publication = filters.MultipleChoiceFilter(choices=Publication.choices)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Event
        fields = []

    def filter_deposit(self, queryset, name, deposit):
        return _subquery_in(queryset, Q(deposits=deposit) | Q(deal__deposits=deposit))

    def filter_company(self, queryset, name, company):
        ids = self.chosen_companies(company)
        return _subquery_in(
            queryset,
            Q(companies__in=ids) | Q(agreement__in=self.party_agreements(ids).values("pk")),
        )

    def filter_commodity(self, queryset, name, commodity):
        return _subquery_in(
            queryset,
            Q(deal__commodities=commodity) | Q(deposits__deposit_commodities__commodity=commodity),
        )

    def filter_region(self, queryset, name, region):
        return _subquery_in(
            queryset, Q(deposits__regions=region) | Q(deal__deposits__regions=region)
        )


class SourceFilterSet(PortalFilterSet):
    q = FoldedSearchFilter(
        key_paths=(),
        text_paths=("title", "publisher"),
        help_text="Words to find in the title or publisher (all words must match).",
    )
    publisher = filters.CharFilter(lookup_expr="iexact", max_length=200)
    language = filters.MultipleChoiceFilter(choices=Source.Language.choices)
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
    since = filters.IsoDateTimeFilter(
        field_name="deleted_at",
        lookup_expr="gte",
        help_text="ISO 8601 date-time with offset: deletions at or after it (use the time of "
        "your previous sync).",
    )
    resource = filters.MultipleChoiceFilter(choices=[(r, r) for r in TOMBSTONE_RESOURCES])

    class Meta:
        model = Tombstone
        fields = []
