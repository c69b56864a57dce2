"""The editorial dashboard (``/editorial/``): what needs an editor's attention.

Revisions waiting for a publisher, the user's own revisions (with the reason
when rejected), drafts, drafts untouched for two weeks, records in review, the
user's own recent changes, records without citations, non-USD
amounts no exchange rate converts, and possible duplicates: records of one
kind whose names fold to the same key (``common.search.fold``), e.g. a
company entered once as "Tau-Ken Samruk" and once as "Тау-Кен Самрук".

The query count is fixed (about twenty), whatever the number of records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from pghistory.models import Context, Events

from deals.history.entries import ACTIONS, HIDDEN, tracked_models
from deals.models import (
    Agreement,
    Amount,
    Citation,
    Company,
    Deal,
    Event,
    ExchangeRate,
    Revision,
)
from deals.publishing import PUBLISHABLE, SELF_EVIDENT
from deals.templatetags.portal import stamp
from deposits.models import Commodity, Deposit, Region
from minerals_portal.api.permissions import can_see_drafts

from ..models import Publication

LIMIT = 50
RECENT = 20
STALE_DAYS = 14
NAMED = (Company, Deal, Deposit, Commodity, Region)
SELECT_RELATED = {Agreement: ["deal"], Amount: ["deal"], Event: ["deal"]}


@dataclass
class Item:
    kind: str
    label: str
    url: str
    detail: str = ""


def staff_roles_only(view):
    """Editors, analysts and administrators; partners are refused, visitors asked to log in."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_see_drafts(request.user):
            raise PermissionDenied("The editorial pages are for editors, analysts and admins.")
        return view(request, *args, **kwargs)

    wrapped.__doc__ = view.__doc__
    return wrapped


def admin_url(record) -> str:
    opts = record._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    except NoReverseMatch:
        return ""


def item(record, detail="") -> Item:
    return Item(str(record._meta.verbose_name), str(record), admin_url(record), detail)


@staff_roles_only
def editorial_dashboard(request):
    """What is in draft or in review, my recent changes, and the data's loose ends."""
    drafts, in_review = _unpublished()
    context = {
        "reviews": _revisions(Revision.objects.filter(status=Revision.Status.PENDING)),
        "my_revisions": _revisions(Revision.objects.filter(author=request.user)),
        "drafts": drafts,
        "stale": _stale_drafts(),
        "stale_days": STALE_DAYS,
        "in_review": in_review,
        "uncited": _uncited(),
        "unconverted": _unconverted_amounts(),
        "duplicates": _possible_duplicates(),
        "mine": _recent_changes(request.user),
        "limit": LIMIT,
    }
    return render(request, "editorial/dashboard.html", context)


def _newest(model):
    return model.objects.select_related(*SELECT_RELATED.get(model, [])).order_by("-updated_at")


def _unpublished() -> tuple[list[Item], list[Item]]:
    drafts, in_review = [], []
    waiting = (Publication.DRAFT, Publication.IN_REVIEW)
    for model in PUBLISHABLE:
        rows = _newest(model).filter(publication__in=waiting)[: 2 * LIMIT]
        for record in rows:
            target = drafts if record.publication == Publication.DRAFT else in_review
            target.append(item(record, f"changed {stamp(record.updated_at)}"))
    return drafts[:LIMIT], in_review[:LIMIT]


def _uncited() -> list[Item]:
    """Records of every state that cite no source (published ones cannot: a tripwire)."""
    found = []
    for model in (m for m in PUBLISHABLE if m not in SELF_EVIDENT):
        content_type = ContentType.objects.get_for_model(model)
        citations = Citation.objects.filter(content_type=content_type, object_id=OuterRef("pk"))
        rows = _newest(model).filter(~Exists(citations))
        found += [item(record, record.get_publication_display()) for record in rows[:LIMIT]]
    return found[:LIMIT]


def _stale_drafts() -> list[Item]:
    """Drafts nobody has touched for ``STALE_DAYS`` days, oldest first."""
    before = timezone.now() - dt.timedelta(days=STALE_DAYS)
    found = []
    for model in PUBLISHABLE:
        rows = model.objects.select_related(*SELECT_RELATED.get(model, [])).filter(
            publication=Publication.DRAFT, updated_at__lt=before
        )
        found += [(r.updated_at, r) for r in rows.order_by("updated_at")[:LIMIT]]
    found.sort(key=lambda pair: pair[0])
    return [item(r, f"untouched since {stamp(at)}") for at, r in found[:LIMIT]]


def _revisions(queryset) -> list[Item]:
    """Revisions as items linking to their review page (one query per kind of record)."""
    rows = (
        queryset.select_related("author", "content_type")
        .prefetch_related("record")
        .order_by("-created_at")
    )
    found = []
    for revision in rows[:LIMIT]:
        detail = f"by {revision.author}, {stamp(revision.created_at)}: "
        detail += revision.get_status_display()
        if revision.reason:
            detail += f" — {revision.reason}"
        url = reverse("admin:deals_revision_change", args=[revision.pk])
        label = f"#{revision.pk} {revision.record or 'a deleted record'}"
        found.append(Item(str(revision.content_type.name), label, url, detail))
    return found


def _unconverted_amounts() -> list[Item]:
    rates = ExchangeRate.objects.filter(currency=OuterRef("currency"), on__lte=OuterRef("as_of"))
    rows = (
        Amount.objects.exclude(currency="USD")
        .filter(~Exists(rates))
        .select_related("deal")
        .order_by("-as_of", "pk")[:LIMIT]
    )
    return [item(a, f"{a.currency} as of {a.as_of_loose}: no {a.currency} rate") for a in rows]


def _possible_duplicates() -> list[list[Item]]:
    """Groups of records of one kind sharing a folded name (any of their names)."""
    groups = []
    for model in NAMED:
        by_key = defaultdict(list)
        for record in model.objects.only("pk", "name", "slug", "search_key").order_by("name"):
            keys = {key for key in record.search_key.strip("|").split("|") if key}
            for key in keys:
                by_key[key].append(record)
        seen = set()
        for records in by_key.values():
            ids = frozenset(r.pk for r in records)
            if len(ids) > 1 and ids not in seen:
                seen.add(ids)
                groups.append([item(r, f"slug {r.slug}") for r in records])
    return groups[:LIMIT]


def _recent_changes(user) -> list[Item]:
    """The user's latest changes, from the history (one query for contexts, one for events)."""
    contexts = list(
        Context.objects.filter(metadata__user=user.pk)
        .order_by("-updated_at")
        .values_list("id", flat=True)[:RECENT]
    )
    if not contexts:
        return []
    events = (
        Events.objects.across(*[model.pgh_event_model for model in tracked_models()])
        .filter(pgh_context_id__in=contexts)
        .order_by("-pgh_created_at")[:RECENT]
    )
    found = []
    for event in events:
        data = event.pgh_data or {}
        name = data.get("title") or data.get("name") or data.get("slug") or f"#{event.pgh_obj_id}"
        fields = sorted(k for k in (event.pgh_diff or {}) if k not in HIDDEN)
        action = ACTIONS.get(event.pgh_label, event.pgh_label)
        detail = f"{action} {stamp(event.pgh_created_at)}"
        if fields:
            detail += ": " + ", ".join(fields)
        kind = event.pgh_obj_model.split(".")[-1].lower()
        url = _history_url(event.pgh_obj_model, event.pgh_obj_id)
        found.append(Item(kind, str(name), url, detail))
    return found


def _history_url(label: str, pk) -> str:
    app_label, model = label.lower().split(".")
    try:
        return reverse(f"admin:{app_label}_{model}_history", args=[pk])
    except NoReverseMatch:
        return ""
