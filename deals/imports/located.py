"""Where a refusal belongs in an import row: the column of the field (or constraint) it names."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F


def located(exc: ValidationError, columns, record=None) -> list[tuple[str, str]]:
    """The refusal's messages under the row's column names; a constraint's message goes to
    the column of the first field the constraint names."""
    by_message = {
        str(c.get_violation_error_message()): first_field(c)
        for c in (record._meta.constraints if record is not None else ())
    }
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.messages)]
    errors = []
    for name, messages in items:
        for message in messages:
            field = by_message.get(message, "") if name == "__all__" else name
            column = columns.get(field, field) if field else columns.get("__all__", "")
            errors.append((column, message))
    return errors


def first_field(constraint) -> str:
    """The first field a constraint names (``value_max__gt`` → value_max, Lower("title") →
    title): where its error belongs."""
    if getattr(constraint, "fields", None):
        return constraint.fields[0]
    stack = [getattr(constraint, "condition", None), *getattr(constraint, "expressions", ())]
    while stack:
        node = stack.pop(0)
        if isinstance(node, tuple):
            return node[0].split("__")[0]
        if isinstance(node, F):
            return node.name
        inner = [*getattr(node, "children", [])]
        inner += getattr(node, "get_source_expressions", lambda: [])()
        stack = inner + stack  # depth first: the first field written wins
    return ""
