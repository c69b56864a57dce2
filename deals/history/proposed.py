"""A revision as a reviewer reads it: each row it touches, field by field, now and proposed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps

from .entries import related_names, text


@dataclass
class Line:
    label: str
    current: str
    proposed: str


@dataclass
class RowDiff:
    kind: str
    record: str
    action: str
    lines: list[Line] = field(default_factory=list)


ACTIONS = {"change": "changed", "add": "added", "delete": "deleted"}


def revision_diff(revision) -> list[RowDiff]:
    """The rows of ``revision`` with their current and proposed values (a bounded query count:
    one per kind of row, one per kind of related record named)."""
    from ..services.proposals import decode

    items = [(apps.get_model(i["model"]), i) for i in revision.changes]
    by_model: dict = {}
    for model, item in items:
        if item["pk"]:
            by_model.setdefault(model, set()).add(item["pk"])
    current = {
        (model, row.pk): row
        for model, pks in by_model.items()
        for row in model._base_manager.filter(pk__in=pks)
    }
    pairs, linked = [], {}  # linked: the many-to-many ids each row holds now
    for model, item in items:
        row = current.get((model, item["pk"]))
        for name, value in item["fields"].items():
            f = model._meta.get_field(name)
            if f.many_to_many:
                now = sorted(getattr(row, name).values_list("pk", flat=True)) if row else []
                linked[(model, item["pk"], name)] = now
                pairs += [(f.related_model, pk) for pk in [*now, *value]]
            elif f.is_relation:
                pairs += [(f.related_model, decode(f, value))]
                pairs += [(f.related_model, getattr(row, f.attname, None))]
    related = related_names(pairs)
    rows = []
    for model, item in items:
        row = current.get((model, item["pk"]))
        diff = RowDiff(
            kind=str(model._meta.verbose_name),
            record=str(row) if row is not None else "(new)",
            action=ACTIONS.get(item["action"], item["action"]),
        )
        for name, value in item["fields"].items():
            f = model._meta.get_field(name)
            if f.many_to_many:
                now = linked[(model, item["pk"], name)]
                names = [_names(f.related_model, pks, related) for pks in (now, value)]
                diff.lines.append(Line(str(f.verbose_name), *names))
                continue
            now = getattr(row, f.attname) if row is not None else None
            diff.lines.append(
                Line(str(f.verbose_name), text(f, now, related), text(f, decode(f, value), related))
            )
        rows.append(diff)
    return rows


def _names(model, pks, related) -> str:
    """Linked records by name (``#id`` for one deleted since), not by id."""
    shown = [str(related[(model, pk)]) if (model, pk) in related else f"#{pk}" for pk in pks]
    return "; ".join(shown) or "—"
