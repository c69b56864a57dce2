"""Who sees what: the one rule every read applies (pages, search, filters, API, stats).

Staff roles (analysts, editors, publishers) and superusers see every record,
drafts marked by ``publication``. Partners and the public see a deal,
agreement, amount or event only while it is published *and* everything it
belongs to is published; a party only while its agreement is visible; a
citation only while the record it backs is visible. Companies, deposits,
commodities and sources have no publication state: they stay visible, but what
they reach through hidden records (a role, an amount, a quote) does not.

Reads call ``visible(queryset, viewer)``; a filter or a text search that goes
through related rows calls ``reaching`` so that it matches through visible
rows only.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.db.models.constants import LOOKUP_SEP

from minerals_portal.api.permissions import can_see_drafts

from .models import Agreement, AgreementParty, Amount, Citation, Deal, Event, Publication

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
    AgreementParty: _no_hidden(Agreement, "agreement_id") & _no_hidden(Deal, "agreement__deal_id"),
    Amount: Q(publication=P) & _no_hidden(Deal, "deal_id") & _no_hidden(Agreement, "agreement_id"),
    Event: Q(publication=P) & _no_hidden(Deal, "deal_id") & _no_hidden(Agreement, "agreement_id"),
}


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
    condition = Q()
    for model, rule in PUBLIC.items():
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
