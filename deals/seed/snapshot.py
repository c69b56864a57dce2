"""A seeded record's content as stored, to tell whether anyone changed it since it was seeded.

The content is every editable field, the many-to-many links, a deposit's commodities,
an agreement's parties (with their citations) and the record's citations, as plain
JSON values read back from the database (so that ``30`` and ``30.000`` compare equal
once stored). Timestamps, versions and search keys are bookkeeping and left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from deals.models import Agreement, AgreementParty, Citation, Publication, Source
from deposits.models import Deposit, DepositCommodity


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def _fields(obj: models.Model, skip: tuple[str, ...] = ()) -> dict:
    return {
        f.name: _plain(f.value_from_object(obj))
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in skip
    }


def _citations(obj: models.Model) -> list:
    content_type = ContentType.objects.get_for_model(obj)
    rows = Citation.objects.filter(content_type=content_type, object_id=obj.pk)
    return sorted(rows.values_list("source_id", "quote", "field"))


def snapshot(obj: models.Model) -> dict:
    """The content of ``obj`` as the database holds it now (see the module doc)."""
    obj = type(obj)._default_manager.get(pk=obj.pk)
    data = _fields(obj)
    for f in obj._meta.many_to_many:
        if f.remote_field.through._meta.auto_created:
            data[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    if isinstance(obj, Deposit):
        links = DepositCommodity.objects.filter(deposit=obj)
        data["commodities"] = sorted(links.values_list("commodity_id", "role"))
    if isinstance(obj, Agreement):
        parties = AgreementParty.objects.filter(agreement=obj)
        data["parties"] = sorted(
            ({**_fields(p, skip=("agreement",)), "citations": _citations(p)} for p in parties),
            key=lambda p: (p["company"], p["role"]),
        )
    if isinstance(obj, Source) and obj.relations.exists():  # absent before relations existed
        data["relations"] = sorted(obj.relations.values_list("kind", "other_id"))
    if hasattr(obj, "citations"):
        data["citations"] = _citations(obj)
    return json.loads(json.dumps(data))  # tuples as lists: what a JSONField gives back


EMPTY = (None, "", [])


def changed_keys(old: dict, new: dict) -> list[str]:
    """The keys whose values differ; a key only one side has counts when its value is set
    (a field added to the model since ``old`` was taken is not a change)."""
    keys = {*old, *new}
    return sorted(
        k for k in keys
        if old.get(k) != new.get(k) and not (k not in old and new[k] in EMPTY)
        and not (k not in new and old[k] in EMPTY)
    )  # fmt: skip


def same_content(old: dict | None, new: dict | None) -> bool:
    if old is None or new is None:
        return old is new
    return not changed_keys(old, new)


def fingerprint(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def why_kept(written: dict | None, current: dict | None) -> str:
    """Why a seeded record is left as it is: withdrawn, deleted, or which parts changed."""
    if current is None:
        return "deleted since it was seeded: not re-created"
    if written is None:
        return "not written by the seed loader (added or edited before seeds were tracked)"
    state = current.get("publication")
    if state and state != written.get("publication"):
        label = Publication(state).label
        return f"{label} since it was seeded (was {written.get('publication')})"
    changed = changed_keys(written, current)
    return "changed since it was seeded: " + ", ".join(changed)
