"""Every API error answers with one JSON shape::

    {"error": {"status": 400, "code": "invalid_choice", "message": "...",
               "fields": {...}, "codes": {...}}}

``code`` is machine-readable: for a validation error the code of its first
message (``required``, ``invalid_choice``, ``naive_datetime``, ``unknown_parameter``…),
otherwise the kind of failure (``not_found``, ``throttled``…). ``fields`` maps a
parameter or field name to its messages (nested for nested fields) and ``codes``
the same names to their messages' codes; both are empty when the error concerns
the request as a whole.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change conflicts with existing records."
    default_code = "conflict"


FIELD_ALIASES = {"__all__": "non_field_errors"}
# A write layer refusal whose every message has one of these codes is a conflict with
# stored records, not invalid input: the same request could succeed against other data.
# A duplicate (a slug, a title within its deal, a name another record already has, an
# amount already restated), the stake total of an agreement past 100 %, a record others
# still refer to. Invalid input alongside a conflict is still a 400.
CONFLICT_CODES = frozenset({"unique", "stake_total", "still_referenced"})


def validation_error_from_django(exc: DjangoValidationError):
    """A model ``full_clean`` or write layer error as a DRF one, keyed by API field names:
    a ``ValidationError`` (400) or, when it only reports conflicts, a ``Conflict`` (409)."""
    detail = as_serializer_error(exc)
    renamed: dict = {}
    for key, messages in detail.items():
        renamed.setdefault(FIELD_ALIASES.get(key, key), []).extend(messages)
    return refusal(renamed)


def refusal(detail: dict) -> exceptions.APIException:
    """``detail`` (messages by field, with codes) as a 409 when all of it is a conflict."""
    codes = set(leaf_codes(exceptions.ValidationError(detail).get_codes()))
    if codes and codes <= CONFLICT_CODES:
        return Conflict(detail)
    return exceptions.ValidationError(detail)


def leaf_codes(codes):
    if isinstance(codes, dict):
        codes = list(codes.values())
    if isinstance(codes, list):
        for item in codes:
            yield from leaf_codes(item)
    elif codes:
        yield codes


def _translate(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        return validation_error_from_django(exc)
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Conflict("Other records still refer to this one; change or remove them first.")
    if isinstance(exc, IntegrityError):
        return Conflict(
            "The database refused the change because it conflicts with existing records "
            "(a duplicate, or stakes totalling more than 100 %)."
        )
    if isinstance(exc, DataError):
        return exceptions.ValidationError(
            "A value does not fit its field (too long, out of range or not storable)."
        )
    return exc


def first_message(detail, path: str = "") -> str | None:
    """The first message in a (nested) error detail, prefixed with where it applies.

    ``{"parties": {"0": {"stake": ["Too big."]}}}`` gives ``parties[0].stake: Too big.``
    """
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors":
                step = path
            elif str(key).isdigit():
                step = f"{path}[{key}]"
            else:
                step = f"{path}.{key}" if path else str(key)
            message = first_message(value, step)
            if message:
                return message
        return None
    if isinstance(detail, list):
        for index, item in enumerate(detail):
            step = f"{path}[{index}]" if isinstance(item, dict) else path
            message = first_message(item, step)
            if message:
                return message
        return None
    if not detail:
        return None
    return f"{path}: {detail}" if path else str(detail)


def error_body(status_code: int, code: str, message: str, fields=None, codes=None, **extra):
    return {
        "error": {
            "status": status_code,
            "code": code,
            "message": message,
            "fields": fields or {},
            "codes": codes or {},
            **extra,
        }
    }


def first_code(codes) -> str | None:
    """The first leaf of a (nested) ``get_codes()`` structure, as ``first_message`` reads."""
    if isinstance(codes, dict):
        codes = list(codes.values())
    if isinstance(codes, list):
        for item in codes:
            code = first_code(item)
            if code:
                return code
        return None
    return codes or None


def api_exception_handler(exc, context):
    exc = _translate(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a genuine bug: let Django log it and answer 500
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    fields = detail if isinstance(detail, dict) else {}
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    field_codes = codes if isinstance(codes, dict) and fields else {}
    code = _code(exc, codes)
    message = first_message(detail) or "Error."
    extra = {}
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 0)
        message = (
            f"Too many requests: the limit is {settings.API_THROTTLE_RATE} per API token. "
            f"Retry in {wait} seconds."
        )
        extra["retry_after"] = wait
    if isinstance(exc, exceptions.ValidationError) and not isinstance(detail, dict):
        fields = {}
    response.data = error_body(response.status_code, code, message, fields, field_codes, **extra)
    request = context.get("request")
    if request is not None:
        # Errors are JSON even when CSV was asked for.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def _code(exc, codes) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return first_code(codes) or "invalid"
    if isinstance(exc, Conflict) and isinstance(codes, dict):
        return first_code(codes) or Conflict.default_code
    if isinstance(codes, str):
        return codes
    return getattr(exc, "default_code", "error")
