"""Helpers for the write serializers: model validation messages under the API's field names."""

from django.core.exceptions import ValidationError as DjangoValidationError

from deals.services.slugs import unique_slug  # noqa: F401  (re-exported for the serializers)

from .exceptions import refusal, validation_error_from_django


def clean_model(instance, aliases: dict[str, str] | None = None, exclude=()):
    """Run ``full_clean`` (fields, ``clean()``, constraints) and raise its messages as a 400
    (409 for a conflict with stored records, see ``exceptions.CONFLICT_CODES``).

    ``aliases`` renames model fields to their API names (``signed_on`` → ``signed``).
    """
    try:
        instance.full_clean(exclude=list(exclude))
    except DjangoValidationError as exc:
        raise api_error(exc, aliases) from None


def api_error(exc: DjangoValidationError, aliases: dict[str, str] | None = None):
    """A service's ``ValidationError`` as the API's 400 (or 409), keyed by the API's names."""
    error = validation_error_from_django(exc)
    return refusal(rename(error.detail, aliases or {}))


def rename(detail: dict, aliases: dict[str, str]) -> dict:
    renamed: dict = {}
    for key, messages in detail.items():
        target = renamed.setdefault(aliases.get(key, key), [])
        target.extend(m for m in messages if m not in target)
    return renamed
