"""The API's JSON parser: refuses what PostgreSQL or Python cannot take, as a 400.

Deeply nested JSON (``[[[[…]]]]`` a hundred thousand levels deep) would exhaust
Python's recursion while parsing or validating, and NUL characters cannot be stored
in PostgreSQL text. Both are refused here, for every write, with a message naming
the field where there is one.
"""

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from minerals_portal.common.validators import NUL_MESSAGE

MAX_DEPTH = 32
DEPTH_MESSAGE = f"JSON nested deeper than {MAX_DEPTH} levels is not accepted."


def nul_paths(data, path="") -> list[str]:
    """Where NUL characters hide in a parsed JSON body (PostgreSQL text cannot hold them)."""
    if isinstance(data, str):
        return [path or "body"] if "\x00" in data else []
    if isinstance(data, dict):
        found = []
        for key, value in data.items():
            step = f"{path}.{key}" if path else str(key)
            found += [step] if "\x00" in str(key) else nul_paths(value, step)
        return found
    if isinstance(data, list):
        return [p for i, item in enumerate(data) for p in nul_paths(item, f"{path}[{i}]")]
    return []


def too_deep(data) -> str | None:
    """The top-level field under which ``data`` nests deeper than ``MAX_DEPTH`` ("" for the
    body itself), or None. Iterative, so that depth itself cannot break it."""
    stack = [(data, 1, "")]
    while stack:
        node, depth, field = stack.pop()
        if isinstance(node, dict):
            children = [(v, k if depth == 1 else field) for k, v in node.items()]
        elif isinstance(node, list):
            children = [(v, field) for v in node]
        else:
            continue
        if depth > MAX_DEPTH:
            return field
        stack += [(child, depth + 1, name) for child, name in children]
    return None


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(DEPTH_MESSAGE) from None
        field = too_deep(data)
        if field is not None:
            raise ParseError(
                {str(field).replace("\x00", "\\0"): [DEPTH_MESSAGE]} if field else DEPTH_MESSAGE
            )
        found = nul_paths(data)
        if found:
            raise ValidationError(
                {p.replace("\x00", "\\0"): [NUL_MESSAGE] for p in found},
                code="null_characters_not_allowed",
            )
        return data
