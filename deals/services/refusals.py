"""The database's refusals as validation errors naming the field, never a 500.

PostgreSQL has the last word on every rule it can see: check and unique
constraints, foreign keys, NOT NULL, column sizes, text without NUL characters,
the parties' stake total (``stakes``) and "a published record keeps a citation"
(migration 0009, named ``published_is_cited`` by 0014). ``database_refusals()``
turns its ``IntegrityError`` / ``DataError`` into ``ValidationError``: the
constraint's name (``diag.constraint_name``) leads to the model constraint and
its ``violation_error_message``; otherwise the column (``diag.column_name``, or
the key in ``diag.message_detail``) names the field. A refusal it cannot place
still becomes a clear message, the database's own, under ``"__all__"``.
"""

from __future__ import annotations

import functools
import re
from contextlib import contextmanager

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DataError, IntegrityError
from django.db.models import F, ProtectedError, RestrictedError, UniqueConstraint

from minerals_portal.common.validators import NUL_MESSAGE

from .stakes import stake_total_message

CITATION_BACKSTOP = "published_is_cited"
CITATION_HINT = (
    "add the source and the sentence it relies on first, or have a publisher withdraw it."
)
REQUIRED = "This field is required."
MISSING = "The chosen {target} does not exist (any more)."
STILL_REFERENCED = "Other records ({others}) still refer to this one; change or remove them first."
DUPLICATE = "A {record} with this {fields} already exists."
TOO_LONG = "A value is longer than its field allows ({limit} characters at most)."
OUT_OF_RANGE = "A number is too large or too precise for its field."
REFUSED = "The database refused the change: {reason}."
# Codes of refusals that are conflicts with stored records rather than invalid input
# (the API answers them with 409): a duplicate, a stake total past 100 %, a record
# other records still need.
UNIQUE, STAKE_TOTAL, STILL_NEEDED = "unique", "stake_total", "still_referenced"

_KEY = re.compile(r"^Key \((?P<columns>.+?)\)=")
_STILL_REFERENCED = re.compile(r'still referenced from table "(?P<table>[^"]+)"')
_MISSING = re.compile(r'is not present in table "(?P<table>[^"]+)"')
_LENGTH = re.compile(r"character varying\((?P<limit>\d+)\)")


@contextmanager
def database_refusals():
    """Turn the database's refusal of what the block writes into a ``ValidationError``.

    Wrap it around ``transaction.atomic()`` to catch refusals at commit too.
    """
    try:
        yield
    except (ProtectedError, RestrictedError):
        raise  # Django's own "still needed by other records" (the API answers 409)
    except (IntegrityError, DataError) as exc:
        raise as_validation_error(exc) from exc


def as_validation_error(exc: IntegrityError | DataError) -> ValidationError:
    """``exc`` as a ``ValidationError`` keyed by field (``"__all__"`` when none fits)."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    sqlstate = getattr(cause, "sqlstate", None)
    if diag is None or sqlstate is None:  # refused by the driver before it was sent
        if "NUL" in str(exc):
            return coded(NON_FIELD_ERRORS, NUL_MESSAGE, "nul")
        return _refused(str(exc).strip())
    stake = stake_total_message(exc)
    if stake:
        return coded("stake", stake, STAKE_TOTAL)
    if diag.constraint_name == CITATION_BACKSTOP:
        message = f"{diag.message_primary}: {CITATION_HINT}"
        return coded("citations", message, "uncited")
    known = named_constraints().get(diag.constraint_name or "")
    if known is not None:
        return coded(*known)
    model = model_of_table(diag.table_name)
    detail = diag.message_detail or ""
    if sqlstate == "23502":  # not_null_violation
        return _on_field(model, diag.column_name, REQUIRED, "required")
    if sqlstate == "23505":  # unique_violation
        return _duplicate(model, detail)
    if sqlstate == "23503":  # foreign_key_violation
        return _foreign_key(model, detail)
    if sqlstate in ("22P05", "22021"):  # untranslatable character (\u0000), bad byte (0x00)
        return coded(NON_FIELD_ERRORS, NUL_MESSAGE, "nul")
    if sqlstate == "22001":  # string_data_right_truncation
        limit = _LENGTH.search(diag.message_primary or "")
        message = TOO_LONG.format(limit=limit["limit"] if limit else "fewer")
        return _on_field(model, diag.column_name, message, "max_length")
    if sqlstate == "22003":  # numeric_value_out_of_range
        return _on_field(model, diag.column_name, OUT_OF_RANGE, "max_digits")
    return _refused(diag.message_primary or str(exc).strip())


# --- constraints and columns → fields ------------------------------------------------------


def coded(field: str, message: str, code: str) -> ValidationError:
    """``{field: [message]}`` whose message keeps ``code`` (a dict's own code is dropped)."""
    return ValidationError({field: [ValidationError(message, code=code)]})


@functools.cache
def named_constraints() -> dict[str, tuple[str, str, str]]:
    """Every model constraint's name → (the field it concerns or ``"__all__"``, its message,
    its code: ``unique`` for a unique constraint, else ``constraint``)."""
    named = {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            fields = constraint_fields(constraint)
            field = fields[0] if len(fields) == 1 else NON_FIELD_ERRORS
            code = UNIQUE if isinstance(constraint, UniqueConstraint) else "constraint"
            named[constraint.name] = (field, str(constraint.get_violation_error_message()), code)
    return named


def constraint_fields(constraint) -> list[str]:
    """The model fields a constraint refers to, in a stable order."""
    if isinstance(constraint, UniqueConstraint):
        if constraint.fields:
            return list(constraint.fields)
        return sorted({name for e in constraint.expressions for name in _referenced(e)})
    condition = getattr(constraint, "condition", None)
    return sorted(getattr(condition, "referenced_base_fields", ()))


def _referenced(expression) -> set[str]:
    if isinstance(expression, str):
        return {expression}
    if isinstance(expression, F):
        return {expression.name}
    return {n for e in expression.get_source_expressions() for n in _referenced(e)}


@functools.cache
def _tables() -> dict:
    return {model._meta.db_table: model for model in apps.get_models()}


def model_of_table(table: str | None):
    return _tables().get(table or "")


def field_of_column(model, column: str | None):
    if model is None or not column:
        return None
    for field in model._meta.concrete_fields:
        if field.column == column:
            return field
    try:
        return model._meta.get_field(column)
    except FieldDoesNotExist:
        return None


def _on_field(model, column, message: str, code: str) -> ValidationError:
    field = field_of_column(model, column)
    return coded(field.name if field else NON_FIELD_ERRORS, message, code)


def _duplicate(model, detail: str) -> ValidationError:
    key = _KEY.match(detail)
    columns = [c.strip() for c in key["columns"].split(",")] if key else []
    fields = [field_of_column(model, c) for c in columns]
    if model is None or not fields or None in fields:
        return _refused("a record with these values already exists")
    record = model._meta.verbose_name
    labels = " and ".join(str(f.verbose_name) for f in fields)
    target = fields[0].name if len(fields) == 1 else NON_FIELD_ERRORS
    message = DUPLICATE.format(record=record, fields=labels)
    return coded(target, message[:1].upper() + message[1:], UNIQUE)


def _foreign_key(model, detail: str) -> ValidationError:
    referenced_from = _STILL_REFERENCED.search(detail)
    if referenced_from:  # deleting (or re-keying) a row others point to
        others = model_of_table(referenced_from["table"])
        names = others._meta.verbose_name_plural if others else referenced_from["table"]
        return coded(NON_FIELD_ERRORS, STILL_REFERENCED.format(others=names), STILL_NEEDED)
    key = _KEY.match(detail)
    field = field_of_column(model, key["columns"] if key else None)
    missing = _MISSING.search(detail)
    target = model_of_table(missing["table"]) if missing else None
    name = target._meta.verbose_name if target else "record"
    return coded(
        field.name if field else NON_FIELD_ERRORS, MISSING.format(target=name), "does_not_exist"
    )


def _refused(reason: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [REFUSED.format(reason=reason.rstrip("."))]})
