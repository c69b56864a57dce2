"""Slugs: made for new records from what they say (numbered when taken); a slug a
record leaves behind is kept in ``SlugHistory`` so its old URLs redirect."""

import re

from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify

from ..models import SlugHistory

SLUG_MAX = 80


def unique_slug(model, text: str, fallback: str) -> str:
    """A free slug from ``text`` (ASCII), numbered ``-2``, ``-3``… when taken.

    One query however many records share the base (probing ``-2``, ``-3``… one
    query each made every new draft of a busy deal slower than the last); the
    number is the next after the highest taken, so a deleted record's slug is
    not handed to another.
    """
    base = slugify(text)[: SLUG_MAX - 6].strip("-") or fallback
    pattern = rf"^{re.escape(base)}(-[0-9]+)?$"
    taken = set(model._base_manager.filter(slug__regex=pattern).values_list("slug", flat=True))
    if not taken:
        return base
    return f"{base}-{max(1 if s == base else int(s[len(base) + 1 :]) for s in taken) + 1}"


def slug_text(record) -> str | None:
    """What a new record's slug is made from; None while the fields it needs are missing."""
    name = type(record)._meta.model_name
    if name == "amount":
        if not (record.deal_id and record.kind and record.as_of and record.as_of_precision):
            return None
        return f"{record.deal.slug} {record.kind.replace('_', ' ')} {record.as_of_loose.iso()}"
    if name == "resourceestimate":
        if not record.deposit_id:
            return None
        return f"{record.deposit.slug} {record.measured} {record.category}"
    if name == "source":
        return f"{record.publisher} {record.title}"
    for field in ("title", "name"):
        if hasattr(record, field):
            return getattr(record, field) or None
    return None


def fill_slug(record) -> None:
    """Give ``record`` a free slug when it has a slug field and none yet."""
    if not any(f.name == "slug" for f in record._meta.concrete_fields) or record.slug:
        return
    text = slug_text(record)
    if text is not None:
        record.slug = unique_slug(type(record), text, record._meta.model_name)


def remember_old_slug(record) -> None:
    """After ``record`` was saved: keep the slug it had when loaded, if it changed.

    One query, only when the slug changed. A slug left by another record of the
    same model before is taken over (it no longer names that record).
    """
    old = getattr(record, "_loaded_slug", None)
    new = getattr(record, "slug", None)
    if old and new and old != new:
        SlugHistory.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(record),
            slug=old,
            defaults={"object_id": record.pk},
        )
    if new:
        record._loaded_slug = new
