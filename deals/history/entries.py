"""Readable history: a record's events, and those of the rows that belong to it, as diffs.

Each tracked model has a ``<Model>History`` table of snapshots (one row per
insert, update and delete). A change is the difference between an event's
snapshot and the previous snapshot of the same object. A record's history
also covers the rows shown as part of it: its citations, an agreement's
parties, and for a deal its agreements, amounts, events and their parties —
found through the snapshots, so rows since removed still appear.

Queries are bounded: one per kind of row in scope, one for citations, one for
users, one per kind of related record named in the changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from deals.templatetags.portal import localized_text
from minerals_portal.common.models import plain_number

from .context import PATH_LABELS

# Bookkeeping columns: never shown as changes.
HIDDEN = frozenset({"id", "created_at", "updated_at", "search_key", "version"})
ACTIONS = {"insert": "created", "update": "changed", "delete": "deleted"}
MAX_TEXT = 300
EMPTY = (None, "", [])


@dataclass
class Change:
    name: str
    label: str
    before: object
    after: object
    before_text: str
    after_text: str


@dataclass
class Entry:
    """One event: who did what to which row, when, through which path."""

    model: type
    event_id: int
    object_id: int
    action: str
    at: dt.datetime
    path: str
    user_id: int | None
    username: str = ""
    record: str = ""
    changes: list[Change] = field(default_factory=list)
    reverts: str = ""
    revert_url: str = ""
    save_id: str = ""  # the history context: every row one save (admin, API, import) wrote
    undo_url: str = ""

    @property
    def key(self) -> str:
        """The entry's id in URLs: ``<model>-<event id>`` (event ids are per table)."""
        return f"{self.model._meta.model_name}-{self.event_id}"

    @property
    def kind(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def path_label(self) -> str:
        return PATH_LABELS.get(self.path, self.path or "unknown")

    @property
    def revertable(self) -> bool:
        return self.action == "changed" and any(c.name != "publication" for c in self.changes)


def tracked_models() -> list:
    """Every model whose changes are recorded (see ``tracking``)."""
    return [m for m in apps.get_models() if "pgh_event_models" in m.__dict__]


def shown_fields(model):
    return [f for f in model._meta.concrete_fields if f.name not in HIDDEN]


def event_model(model):
    return model.pgh_event_model


# --- which rows belong to a record ----------------------------------------------------


def scope(record, citations: bool = True) -> list[tuple[type, Q]]:
    """(tracked model, condition on its snapshots) for ``record`` and the rows shown with it."""
    from deals.models import (
        Agreement,
        AgreementParty,
        Amount,
        Citation,
        Company,
        Deal,
        Event,
        Ownership,
    )
    from deposits.models import Deposit, DepositCommodity, ResourceEstimate

    parts = [(type(record), Q(pgh_obj_id=record.pk))]
    if isinstance(record, Deal):
        ever_in_deal = event_model(Agreement).objects.filter(deal_id=record.pk)
        agreement_ids = ever_in_deal.values("pgh_obj_id")
        parts += [
            (Agreement, Q(deal_id=record.pk)),
            (AgreementParty, Q(agreement_id__in=agreement_ids)),
            (Amount, Q(deal_id=record.pk)),
            (Event, Q(deal_id=record.pk) | Q(agreement_id__in=agreement_ids)),
        ]
    elif isinstance(record, Agreement):
        parts.append((AgreementParty, Q(agreement_id=record.pk)))
        parts.append((Amount, Q(agreement_id=record.pk)))
        parts.append((Event, Q(agreement_id=record.pk)))
    elif isinstance(record, Company):
        parts.append((Ownership, Q(parent_id=record.pk) | Q(child_id=record.pk)))
    elif isinstance(record, Deposit):
        parts.append((DepositCommodity, Q(deposit_id=record.pk)))
        parts.append((ResourceEstimate, Q(deposit_id=record.pk)))
    if citations:
        parts.append((Citation, _cited(parts)))
    return parts


def _events(model, condition: Q):
    """Every snapshot of every object that has a snapshot matching ``condition``."""
    history = event_model(model).objects
    objects = history.filter(condition).values("pgh_obj_id")
    return list(
        history.filter(pgh_obj_id__in=objects)
        .select_related("pgh_context")
        .order_by("pgh_obj_id", "pgh_id")
    )


def _cited(parts) -> Q:
    """Citations (by their snapshots) of any row matched by ``parts``."""
    condition = Q()
    for model, part in parts:
        ids = event_model(model).objects.filter(part).values("pgh_obj_id")
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type_id=content_type.pk, object_id__in=ids)
    return condition


# --- building entries -------------------------------------------------------------------


def history(record, *, citations: bool = True) -> list[Entry]:
    """The history of ``record`` and of the rows shown with it, newest first."""
    return build_entries([(m, _events(m, c)) for m, c in scope(record, citations)])


def build_entries(batches) -> list[Entry]:
    """Entries from ``[(model, snapshots ordered by object then event id)]``, newest first."""
    related = _related_objects(batches)
    entries = []
    for model, events in batches:
        previous = None
        for event in events:
            if previous is not None and previous.pgh_obj_id != event.pgh_obj_id:
                previous = None
            entries.append(_entry(model, previous, event, related))
            previous = event
    _name_users(entries)
    entries.sort(key=lambda e: (e.at, e.event_id), reverse=True)
    return entries


def _entry(model, previous, event, related) -> Entry:
    metadata = (event.pgh_context.metadata if event.pgh_context_id else None) or {}
    action = ACTIONS.get(event.pgh_label, event.pgh_label)
    entry = Entry(
        model=model,
        event_id=event.pgh_id,
        object_id=event.pgh_obj_id,
        action=action,
        at=event.pgh_created_at,
        path=metadata.get("path", ""),
        user_id=metadata.get("user"),
        record=describe(model, event, related),
        reverts=metadata.get("reverts", "") or metadata.get("undoes", ""),
        save_id=str(event.pgh_context_id or ""),
    )
    if action != "deleted":
        entry.changes = diff(model, previous, event, related)
    return entry


def diff(model, before, after, related=None) -> list[Change]:
    """The shown fields whose values differ between two snapshots (``before`` may be None)."""
    related = related or {}
    changes = []
    for f in shown_fields(model):
        old = getattr(before, f.attname) if before is not None else None
        new = getattr(after, f.attname)
        if old == new or (before is None and new in EMPTY):
            continue
        changes.append(
            Change(
                name=f.name,
                label=str(f.verbose_name),
                before=raw(old),
                after=raw(new),
                before_text=text(f, old, related),
                after_text=text(f, new, related),
            )
        )
    return changes


def raw(value):
    """A JSON-friendly form of a snapshot value."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return plain_number(value)
    return value


def text(f, value, related) -> str:
    """A snapshot value as a reader sees it: choice labels, related names, plain numbers."""
    if value in EMPTY:
        return "—"
    if f.is_relation:
        obj = related.get((f.related_model, value))
        return str(obj) if obj is not None else f"#{value} (deleted)"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    value = raw(value)
    value = value if isinstance(value, str) else str(value)
    return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"


def describe(model, snapshot, related) -> str:
    """A short name for the row a snapshot is of, from the snapshot itself (its title or
    name in the interface language where the snapshot holds one)."""

    def named(attname, f_name):
        f = model._meta.get_field(f_name)
        return text(f, getattr(snapshot, attname), related)

    for name in ("title", "name"):
        if getattr(snapshot, name, ""):
            return localized_text(snapshot, name)
    label = model._meta.model_name
    if label == "agreementparty":
        return f"{named('company_id', 'company')} ({named('role', 'role')})"
    if label == "amount":
        return f"{snapshot.currency} {plain_number(snapshot.value)} ({named('kind', 'kind')})"
    if label == "citation":
        return f"{named('source_id', 'source')}: “{snapshot.quote[:80]}”"
    if label == "ownership":
        return f"{named('parent_id', 'parent')} → {named('child_id', 'child')}"
    if label == "depositcommodity":
        return f"{named('deposit_id', 'deposit')} – {named('commodity_id', 'commodity')}"
    if label == "exchangerate":
        return f"1 {snapshot.currency} on {snapshot.on}"
    return getattr(snapshot, "slug", "") or f"#{snapshot.pgh_obj_id}"


# --- names for ids ----------------------------------------------------------------------

# Related records whose ``__str__`` follows a foreign key: fetch it along.
_SELECT_RELATED = {"amount": ["deal"], "agreementparty": ["company"], "citation": ["source"]}


def _related_objects(batches) -> dict:
    """{(model, pk): object} for every foreign key value in the snapshots."""
    pairs = []
    for model, events in batches:
        relations = [f for f in shown_fields(model) if f.is_relation]
        pairs += [(f.related_model, getattr(e, f.attname)) for e in events for f in relations]
    return related_names(pairs)


def related_names(pairs) -> dict:
    """{(model, pk): object} for ``(model, pk)`` pairs, one query per model."""
    wanted = defaultdict(set)
    for model, pk in pairs:
        if pk is not None:
            wanted[model].add(pk)
    found = {}
    for model, ids in wanted.items():
        if model is ContentType:
            objects = [ContentType.objects.get_for_id(pk) for pk in ids]
        else:
            related = _SELECT_RELATED.get(model._meta.model_name, [])
            objects = model._base_manager.select_related(*related).filter(pk__in=ids)
        found.update({(model, obj.pk): obj for obj in objects})
    return found


def _name_users(entries) -> None:
    ids = {e.user_id for e in entries if e.user_id is not None}
    if not ids:
        return
    User = get_user_model()
    names = dict(User._default_manager.filter(pk__in=ids).values_list("pk", User.USERNAME_FIELD))
    for entry in entries:
        if entry.user_id is not None:
            entry.username = names.get(entry.user_id, f"user #{entry.user_id} (deleted)")
