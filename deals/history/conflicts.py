"""What changed since an editor opened a record: the body of a conflict message.

The changes are those between the history snapshot at the version the editor
opened and the current row. Where no snapshot exists (a row older than its
history), every field where the current row differs from what the editor
submitted is listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from .entries import event_model, related_names, shown_fields, text


@dataclass
class Difference:
    name: str
    label: str
    current: str
    yours: str | None  # None: the editor's form or request did not set this field


def _value(value):
    return value.pk if isinstance(value, models.Model) else value


def changed_since(model, pk, version: int, theirs: dict) -> list[Difference]:
    """Fields of row ``pk`` changed since ``version``; ``theirs`` maps field names to values."""
    current = model._base_manager.get(pk=pk)
    opened = (
        event_model(model)
        .objects.filter(pgh_obj_id=pk, version__lte=version)
        .order_by("-pgh_id")
        .first()
    )
    fields, differences = shown_fields(model), []
    for f in fields:
        now = getattr(current, f.attname)
        yours = _value(theirs[f.name]) if f.name in theirs else None
        if opened is not None:
            if getattr(opened, f.attname) == now:
                continue
        elif f.name not in theirs or yours == now:
            continue
        differences.append((f, now, yours))
    related = related_names(
        (f.related_model, value)
        for f, now, yours in differences
        if f.is_relation
        for value in (now, yours)
    )
    return [
        Difference(
            name=f.name,
            label=str(f.verbose_name),
            current=text(f, now, related),
            yours=text(f, yours, related) if f.name in theirs else None,
        )
        for f, now, yours in differences
    ]


def summary(model, expected: int, current: int, differences: list[Difference]) -> str:
    name = model._meta.verbose_name
    lines = [
        f"Someone else saved this {name} while you were editing it (you opened version "
        f"{expected}; it is now at version {current})."
    ]
    if differences:
        parts = []
        for d in differences:
            yours = f", yours “{d.yours}”" if d.yours is not None else ""
            parts.append(f"{d.label}: now “{d.current}”{yours}")
        lines.append("Changed meanwhile — " + "; ".join(parts) + ".")
    return " ".join(lines)


def refuse_stale(form, cleaned: dict, version_field: str = "version") -> None:
    """Refuse ``form``'s save when its row changed since the page was opened.

    ``cleaned[version_field]`` is the version the page showed. The stored row is
    locked until the save ends. The refusal names each field changed meanwhile with
    its current value and the one the form sent; the re-rendered form carries the
    current version, so saving again is a deliberate choice.
    """
    model, instance = type(form.instance), form.instance
    seen = cleaned.get(version_field) or instance.version
    current = (
        model._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is None or current == seen:
        instance.version = seen
        return
    forward = model._meta._forward_fields_map
    theirs = {k: v for k, v in cleaned.items() if k in forward}
    differences = changed_since(model, instance.pk, seen, theirs)
    form.data = form.data.copy()
    form.data[form.add_prefix(version_field)] = str(current)
    raise ValidationError(summary(model, seen, current, differences), code="edit_conflict")
