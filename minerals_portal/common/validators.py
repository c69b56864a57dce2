"""Values PostgreSQL cannot store, refused before they reach it."""

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
