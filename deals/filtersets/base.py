"""What every filter set shares: the base class, company look-ups, USD conversion."""

from collections import defaultdict
from decimal import Decimal

import django_filters as filters
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from minerals_portal.api.filters import (
    SlugFilter,
)

from ..models import (
    Agreement,
    AgreementParty,
    Company,
    ExchangeRate,
    Ownership,
)
from ..visibility import reaching, shows_drafts, visible, visible_companies

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


def subquery_in(queryset, condition: Q):
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


def in_region(region, own: str = "deposits__") -> Q:
    """Records in ``region``: by their own deposits (``own``), their deal's deposits, or
    the deal's own location when no deposit locates it (a region, a facility's region)."""
    return (
        Q(**{f"{own}regions": region})
        | Q(deal__deposits__regions=region)
        | Q(deal__regions=region)
        | Q(deal__facilities__region=region)
    )


def parties_of(ids) -> Q:
    return Q(company_id__in=ids) | Q(held_via_id__in=ids)


class PortalFilterSet(filters.FilterSet):
    @property
    def show_drafts(self) -> bool:
        return shows_drafts(self.request)

    def reach(self, model, lookup: str, value):
        """A look-up through related rows, matching only through visible ones (text search)."""
        return reaching(model, lookup, value, self.show_drafts)

    def party_agreements(self, ids):
        """Visible agreements with a party (directly or via ``held_via``) among ``ids``."""
        parties = AgreementParty.objects.filter(parties_of(ids)).values("agreement_id")
        return visible(Agreement.objects.filter(pk__in=parties), self.show_drafts)

    def chosen_companies(self, company) -> set[int]:
        include = self.form.cleaned_data.get("include_subsidiaries")
        return company_ids(company, bool(include))


SUBSIDIARIES_HELP = (
    "With company: also match every company the given one owns, directly or "
    "through other subsidiaries (Ownership links, followed transitively)."
)


def company_filter(help_text):
    return SlugFilter(queryset=visible_companies, method="filter_company", help_text=help_text)
