"""A record's public change log: its published states only, for the public pages.

Built from the same snapshots as the editors' history (``entries``), keeping only
snapshots taken while the row was published and rows the reader sees now, so a
draft's title or a withdrawn record never appears. No user names, no revert links.
Queries: one per kind of row shown with the record, plus the related names.
"""

from __future__ import annotations

from deals.models import Publication

from .entries import Entry, _events, build_entries, scope

PUBLIC_ENTRIES = 20


def public_log(record, shown: dict[type, set[int]], limit: int = PUBLIC_ENTRIES) -> list[Entry]:
    """Newest first: changes to ``record`` and the rows shown with it (``shown``: the pks
    the page shows, by model), each diffed against the row's previous published state."""
    batches = []
    for model, condition in scope(record, citations=False):
        visible_ids = shown.get(model, set())
        if not visible_ids or not any(f.name == "publication" for f in model._meta.fields):
            continue
        events = [
            e for e in _events(model, condition)
            if e.pgh_obj_id in visible_ids and e.publication == Publication.PUBLISHED
        ]  # fmt: skip
        batches.append((model, events))
    entries = [e for e in build_entries(batches) if e.action == "created" or e.changes]
    for entry in entries:
        entry.changes = [c for c in entry.changes if c.name != "publication"]
    return entries[:limit]
