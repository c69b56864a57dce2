"""Values PostgreSQL cannot store, refused before they reach it."""

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

# Django's own wording, so a form field's refusal and the service's read the same.
NUL_MESSAGE = ProhibitNullCharactersValidator.message

_no_nul = ProhibitNullCharactersValidator()


def prohibit_nul_characters(value) -> None:
    """Refuse a NUL character in a text, or anywhere in a JSON value (its keys too).

    PostgreSQL text cannot hold one, and ``jsonb`` refuses the ``\\u0000`` escape.
    """
    if isinstance(value, str):
        _no_nul(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            prohibit_nul_characters(key)
            prohibit_nul_characters(item)
    elif isinstance(value, list | tuple):
        for item in value:
            prohibit_nul_characters(item)


# Copies of sources kept beside them (an article saved as PDF, HTML or text, a scan).
COPY_EXTENSIONS = ["pdf", "html", "htm", "txt", "png", "jpg", "jpeg", "xlsx", "csv", "json"]
COPY_MAX_BYTES = 20 * 1024 * 1024


def limit_copy_size(file) -> None:
    """Refuse an uploaded copy over ``COPY_MAX_BYTES`` (its size is known before reading)."""
    if file.size > COPY_MAX_BYTES:
        raise ValidationError(
            "The copy is %(size)d MB; at most %(limit)d MB can be kept.",
            code="too_large",
            params={"size": file.size // 2**20, "limit": COPY_MAX_BYTES // 2**20},
        )
