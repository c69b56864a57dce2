"""The change feed's sequencer: notes of committed transactions become feed entries.

Triggers (deals migration 0017) note, in the writing transaction, every record a
writing statement touches (with the transaction's id, ``xid``). A note becomes
visible when its transaction commits, never before: ``sequence`` claims the
notes committed so far, and a transaction still in flight is not skipped, its
notes simply wait until it commits. Positions are given at sequencing, after
commit: the sequencer runs under a transaction-level advisory lock (one at a
time) and commits its entries before the next run takes any position from the
sequence, so the committed positions are always a prefix of all positions to
come: an entry never appears before (below) one already served. (Bounding by
the oldest running transaction, ``pg_snapshot_xmin``, is not needed and would
be wrong here: transaction ids are cluster-wide, so any long transaction in any
other database of the server would stall the feed.)

For each noted record, and each record that shows it (a company's parties,
agreements, amounts and events; a deal's or agreement's children; the amounts
restating an amount…), the sequencer renders what partners see now (the
resource's list form, by ``deals.visibility``) and compares it with what the
feed last said (``FeedState``): a record partners start to see is ``created``
(``published`` for publishable records, ``republished`` after a withdrawal), one
that changed is ``updated``, one they stop seeing is ``withdrawn`` (``deleted``
when it is gone). A draft's edits change nothing partners see: no entry. When a
company, deposit or source is hidden, what other records' older entries said of it
is replaced by what they show now (``forget_what_they_said``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import orjson
from django.db import connection, transaction
from django.db.models import Q

from deposits.models import Deposit

from ..models import Agreement, AgreementParty, Amount, Change, Deal, Event, FeedState
from ..models.feed import ChangeEvent

LOCK_KEY = 0x706F7274616C  # the sequencer's advisory lock
BATCH = 5000  # notes per run; what is left waits for the next run

CLAIM = """
WITH lock AS (SELECT pg_try_advisory_xact_lock(%s) AS held),
claimed AS (
    SELECT n.id FROM deals_changenote n, lock WHERE lock.held ORDER BY n.id LIMIT %s
)
DELETE FROM deals_changenote n USING claimed WHERE n.id = claimed.id
RETURNING n.resource, n.ref
"""

PUBLISHABLE = {
    "deals", "agreements", "parties", "amounts", "events", "companies", "sources", "deposits"
}  # fmt: skip

# A record noted under the key is shown by (resource, model, lookups) rows too.
SHOWN_BY = {
    "companies": [
        ("parties", AgreementParty, ["company_id__in", "held_via_id__in"]),
        ("agreements", Agreement, ["parties__company_id__in", "parties__held_via_id__in"]),
        ("amounts", Amount, ["investor_id__in"]),
        ("events", Event, ["companies__in"]),
    ],
    "deals": [
        ("agreements", Agreement, ["deal_id__in"]),
        ("parties", AgreementParty, ["agreement__deal_id__in"]),
        ("amounts", Amount, ["deal_id__in"]),
        ("events", Event, ["deal_id__in"]),
    ],
    "agreements": [
        ("parties", AgreementParty, ["agreement_id__in"]),
        ("amounts", Amount, ["agreement_id__in"]),
        ("events", Event, ["agreement_id__in"]),
    ],
    "amounts": [("amounts", Amount, ["restates_id__in"])],
    "deposits": [
        ("deals", Deal, ["deposits__in"]),
        ("agreements", Agreement, ["deposits__in"]),
        ("amounts", Amount, ["deposit_id__in"]),
        ("events", Event, ["deposits__in"]),
    ],
    "commodities": [
        ("deals", Deal, ["commodities__in"]),
        ("agreements", Agreement, ["commodities__in"]),
        ("deposits", Deposit, ["commodities__in"]),
    ],
    "regions": [("deposits", Deposit, ["regions__in"])],
    "exchangerates": [("amounts", Amount, ["currency__in"])],
}


def sequence() -> int:
    """Turn the notes of finished transactions into feed entries; the number written."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(CLAIM, [LOCK_KEY, BATCH])
            notes = cursor.fetchall()
        if not notes:
            return 0
        return write_entries(records_to_check(notes))


def records_to_check(notes) -> dict[str, set[int]]:
    """Resource → ids: the noted records and those that show them."""
    noted: dict[str, set[str]] = defaultdict(set)
    for resource, ref in notes:
        noted[resource].add(ref)
    records: dict[str, set[int]] = defaultdict(set)
    for resource, refs in noted.items():
        if resource != "exchangerates":
            ids = {int(ref) for ref in refs}
            if resource != "regions":
                records[resource] |= ids
        else:
            ids = refs
        for shown, model, lookups in SHOWN_BY.get(resource, []):
            condition = Q()
            for lookup in lookups:
                condition |= Q(**{lookup: ids})
            rows = model._base_manager.filter(condition).values_list("pk", flat=True)
            records[shown].update(rows)
    return records


def digest(item: dict) -> str:
    return hashlib.sha256(orjson.dumps(item, option=orjson.OPT_SORT_KEYS)).hexdigest()


def write_entries(records: dict[str, set[int]]) -> int:
    from ..api.feed import RESOURCES, render  # the API's forms; imported late (no cycle)

    entries, states = [], []
    for resource, view_set in RESOURCES.items():
        ids = records.get(resource)
        if not ids:
            continue
        shown = render(resource, ids)
        known = {
            s.object_id: s for s in FeedState.objects.filter(resource=resource, object_id__in=ids)
        }
        gone = [pk for pk in ids if pk not in shown and getattr(known.get(pk), "public", False)]
        existing = set(
            view_set.queryset.model._base_manager.filter(pk__in=gone).values_list("pk", flat=True)
        )
        for pk in sorted(ids):
            entry = entry_for(resource, pk, shown.get(pk), known.get(pk), pk in existing)
            if entry is not None:
                entries.append(entry)
                states.append(
                    FeedState(
                        resource=resource,
                        object_id=pk,
                        public=entry.data is not None,
                        digest=digest(entry.data) if entry.data is not None else "",
                        slug=entry.slug,
                    )
                )
    forget_what_they_said(entries)
    Change.objects.bulk_create(entries)
    FeedState.objects.bulk_create(
        states,
        update_conflicts=True,
        unique_fields=["resource", "object_id"],
        update_fields=["public", "digest", "slug"],
    )
    return len(entries)


# Records others name in their list form (a party's company, a deal's deposits).
NAMED_BY_OTHERS = {"companies", "deposits", "sources"}


def forget_what_they_said(entries) -> None:
    """When a company, deposit or source is hidden, the older entries of the records that
    named it (updated in the same run, now without it) say what their new entry says:
    the feed never serves what was said of a hidden record."""
    if not any(e.data is None and e.resource in NAMED_BY_OTHERS for e in entries):
        return
    for e in entries:
        if e.event == ChangeEvent.UPDATED:
            older = Change.objects.filter(resource=e.resource, object_id=e.object_id)
            older.update(data=e.data)


def entry_for(resource, pk, item, state, exists) -> Change | None:
    """The feed entry for a record partners see as ``item`` now (None: hidden), if any."""
    if item is None:
        if state is None or not state.public:
            return None  # partners never saw it, or were told already
        event = ChangeEvent.WITHDRAWN if exists else ChangeEvent.DELETED
        return Change(resource=resource, object_id=pk, slug=state.slug, event=event)
    if state is None:
        event = ChangeEvent.PUBLISHED if resource in PUBLISHABLE else ChangeEvent.CREATED
    elif not state.public:
        event = ChangeEvent.REPUBLISHED
    elif state.digest != digest(item):
        event = ChangeEvent.UPDATED
    else:
        return None  # what partners see did not change
    slug = item.get("slug") or ""
    return Change(resource=resource, object_id=pk, slug=slug, event=event, data=item)
