"""Helpers for the write serializers: the admin's validation, and slugs for new records."""

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
    """A free slug from ``text`` (ASCII), numbered ``-2``, ``-3``… when taken."""
    base = slugify(text)[: SLUG_MAX - 6].strip("-") or fallback
    slug, n = base, 1
    while model._base_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
