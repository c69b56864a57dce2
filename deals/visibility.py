"""Who sees what: the one rule every read applies (pages, search, filters, API, stats).

Staff roles (analysts, editors, publishers) and superusers see every record,
drafts marked by ``publication``. Deals, agreements, amounts, events, companies,
sources, deposits and resource estimates carry a publication state; partners
and the public see one only while it is published *and* everything it reaches
is published (``PUBLIC``, decided once here):

* an agreement of a hidden deal, an amount or event of a hidden deal or
  agreement, an estimate of a hidden deposit;
* a party whose agreement, deal or company, or the company it holds its stake
  through, is hidden; an ownership link to a
  hidden company; a deposit's commodity row of a hidden deposit;
* an amount whose investor or deposit is hidden: it is neither shown nor
  counted (``/method/#hidden``);
* a citation whose source is hidden or whose record is hidden; a reported
  figure or a status change whose source is hidden.

A visible record's many-to-many link to a hidden one (a deal's deposits, an
event's companies) is not shown: such lists are read through ``visible`` on the
related model, and filters and text searches that go through related rows call
``reaching`` so that they match through visible rows only. Commodities and
regions have no publication state.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.db.models.constants import LOOKUP_SEP

from deposits.models import Deposit, DepositCommodity, ResourceEstimate
from minerals_portal.api.permissions import can_see_drafts

from .models import (
    Agreement,
    AgreementParty,
    Amount,
    Citation,
    Company,
    Deal,
    Event,
    FigureReport,
    Ownership,
    Publication,
    Source,
    StatusChange,
)

P = Publication.PUBLISHED


def _no_hidden(model, ref: str) -> Q:
    """The record ``ref`` points to is published, or there is none.

    Written as "no unpublished such record exists": unpublished rows are few, so
    the database anti-joins against a small set instead of joining every row.
    """
    hidden = model._base_manager.filter(pk=OuterRef(ref)).exclude(publication=P)
    return ~Q(Exists(hidden))


# What partners and the public may see of each model that can be hidden.
PUBLIC = {
    Deal: Q(publication=P),
    Agreement: Q(publication=P) & _no_hidden(Deal, "deal_id"),
    AgreementParty: _no_hidden(Agreement, "agreement_id")
    & _no_hidden(Deal, "agreement__deal_id")
    & _no_hidden(Company, "company_id")
    & _no_hidden(Company, "held_via_id"),
    Amount: Q(publication=P)
    & _no_hidden(Deal, "deal_id")
    & _no_hidden(Agreement, "agreement_id")
    & _no_hidden(Company, "investor_id")
    & _no_hidden(Deposit, "deposit_id"),
    Event: Q(publication=P) & _no_hidden(Deal, "deal_id") & _no_hidden(Agreement, "agreement_id"),
    Company: Q(publication=P),
    Ownership: _no_hidden(Company, "parent_id") & _no_hidden(Company, "child_id"),
    Source: Q(publication=P),
    Deposit: Q(publication=P),
    DepositCommodity: _no_hidden(Deposit, "deposit_id"),
    ResourceEstimate: Q(publication=P) & _no_hidden(Deposit, "deposit_id"),
    # These carry their own source and quote: shown only while that source is.
    FigureReport: _no_hidden(Source, "source_id"),
    StatusChange: _no_hidden(Source, "source_id"),
}
# Models a citation can back (a source is what citations point to, never cited itself;
# reported figures and status changes cite their source themselves).
CITABLE = [model for model in PUBLIC if model not in (Source, FigureReport, StatusChange)]


def shows_drafts(viewer) -> bool:
    """Whether ``viewer`` (a request, a user, None for the public, or a bool) sees drafts."""
    if isinstance(viewer, bool):
        return viewer
    user = getattr(viewer, "user", viewer)
    return can_see_drafts(user)


def public_condition(model) -> Q | None:
    """The condition a row of ``model`` meets when partners may see it (None: always)."""
    if model is Citation:
        return _cited_record_public()
    return PUBLIC.get(model)


def _cited_record_public() -> Q:
    condition = _no_hidden(Source, "source_id")
    for model in CITABLE:
        rule = PUBLIC[model]
        hidden = model._base_manager.filter(pk=OuterRef("object_id")).exclude(rule)
        content_type = ContentType.objects.get_for_model(model)
        condition &= ~Q(Q(content_type_id=content_type.pk) & Exists(hidden))
    return condition


def visible(queryset, viewer):
    """``queryset`` narrowed to what ``viewer`` may see (see ``shows_drafts``)."""
    condition = public_condition(queryset.model)
    if condition is None or shows_drafts(viewer):
        return queryset
    return queryset.filter(condition)


def reaching(model, lookup: str, value, viewer) -> Q:
    """``Q(**{lookup: value})`` on ``model``, matching only through rows ``viewer`` may see.

    ``deals.filter(reaching(Deal, "agreements__parties__company__search_key__contains",
    "omega", None))`` finds deals with a visible party named Omega, not deals where
    Omega signed only a draft agreement. A hop to a model that can be hidden becomes
    a subquery of its visible rows; other hops stay plain joins.
    """
    if shows_drafts(viewer):
        return Q(**{lookup: value})
    return _reaching(model, lookup, value)


def _reaching(model, lookup: str, value) -> Q:
    name, _, rest = lookup.partition(LOOKUP_SEP)
    related = _related(model, name) if rest else None
    if related is None or (related not in PUBLIC and not _crosses_hidden(related, rest)):
        return Q(**{lookup: value})
    rows = visible(related._base_manager.all(), False).filter(_reaching(related, rest, value))
    return Q(**{f"{name}__in": rows.values("pk")})


def _related(model, name: str):
    field = model._meta.get_field(name)
    return field.related_model if field.is_relation else None


def _crosses_hidden(model, path: str) -> bool:
    name, _, rest = path.partition(LOOKUP_SEP)
    related = _related(model, name) if rest else None
    if related is None:
        return False
    return related in PUBLIC or _crosses_hidden(related, rest)


def visible_deals(request):
    """Deals ``request``'s user may see (a filter's choices)."""
    return visible(Deal.objects.all(), request)


def visible_agreements(request):
    return visible(Agreement.objects.all(), request)


def visible_companies(request):
    return visible(Company.objects.all(), request)


def visible_deposits(request):
    return visible(Deposit.objects.all(), request)
