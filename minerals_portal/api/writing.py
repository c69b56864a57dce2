"""Helpers for the write serializers: the admin's validation, and slugs for new records."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.text import slugify
from rest_framework.exceptions import ValidationError

from .exceptions import validation_error_from_django

SLUG_MAX = 80


def clean_model(instance, aliases: dict[str, str] | None = None, exclude=()):
    """Run ``full_clean`` (fields, ``clean()``, constraints) and raise its messages as a 400.

    ``aliases`` renames model fields to their API names (``signed_on`` → ``signed``).
    """
    try:
        instance.full_clean(exclude=list(exclude))
    except DjangoValidationError as exc:
        error = validation_error_from_django(exc)
        raise ValidationError(rename(error.detail, aliases or {})) from None


def rename(detail: dict, aliases: dict[str, str]) -> dict:
    renamed: dict = {}
    for key, messages in detail.items():
        target = renamed.setdefault(aliases.get(key, key), [])
        target.extend(m for m in messages if m not in target)
    return renamed


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
