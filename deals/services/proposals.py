"""An editor's write to a published record, kept as a pending revision instead of made.

``base.save`` and ``base.delete`` call ``propose`` once the write has passed the
rights and validation checks; the unit keeps one revision per published record
and adds each row written to it (the record's own fields, its parties, its
citations), so an admin save with inline rows is one revision. Values are stored
as JSON (``encode``) and read back with the field's own parser (``decode``).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from ..history.context import current_path
from ..history.entries import raw, shown_fields
from ..models import Revision

# Fields a revision never carries: the publication state moves by its own actions.
NOT_PROPOSED = frozenset({"publication"})


def proposed_fields(model):
    return [f for f in shown_fields(model) if f.name not in NOT_PROPOSED]


def encode(f, value):
    return value if isinstance(f, models.JSONField) else raw(value)


def decode(f, value):
    """A stored JSON value back to the field's Python value (a foreign key: the id)."""
    if value is None or isinstance(f, models.JSONField):
        return value
    return f.target_field.to_python(value) if f.is_relation else f.to_python(value)


def m2m_of(record, m2m) -> dict:
    return {name: sorted(o.pk for o in objects) for name, objects in (m2m or {}).items()}


def row_changes(record, m2m=None) -> dict:
    """The fields (and many-to-many sets) of ``record`` that differ from the stored row."""
    model = type(record)
    stored = model._base_manager.filter(pk=record.pk).first() if record.pk else None
    fields = {}
    for f in proposed_fields(model):
        value = getattr(record, f.attname)
        if stored is None or getattr(stored, f.attname) != value:
            if stored is not None or value not in (None, "", []):
                fields[f.name] = encode(f, value)
    for name, pks in m2m_of(record, m2m).items():
        before = sorted(getattr(stored, name).values_list("pk", flat=True)) if stored else []
        if before != pks:
            fields[name] = pks
    return fields


def propose(actor, pending: dict, root, record, *, delete: bool = False, m2m=None):
    """Add the write of ``record`` to the pending revision of ``root`` (made on first use)."""
    key = (ContentType.objects.get_for_model(root).pk, root.pk)
    revision = pending.get(key)
    if revision is None:
        versioned = any(f.name == "version" for f in type(root)._meta.concrete_fields)
        rows = type(root)._base_manager.filter(pk=root.pk)
        stored_version = rows.values_list("version", flat=True) if versioned else rows.none()
        revision = Revision(
            content_type_id=key[0],
            object_id=root.pk,
            author=actor,
            path=current_path("api")[:10],
            base_version=getattr(root, "version", None) or stored_version.first() or 1,
        )
        pending[key] = revision
    label = record._meta.label_lower
    if delete:
        item = {"model": label, "pk": record.pk, "action": "delete", "fields": {}}
    else:
        fields = row_changes(record, m2m)
        if not fields:
            return revision
        action = "change" if record.pk else "add"
        item = {"model": label, "pk": record.pk, "action": action, "fields": fields}
    same = [
        i for i in revision.changes if record.pk and (i["model"], i["pk"]) == (label, record.pk)
    ]
    if same and not delete:
        same[0]["fields"].update(item["fields"])
    else:
        revision.changes.append(item)
    revision.save()
    return revision
