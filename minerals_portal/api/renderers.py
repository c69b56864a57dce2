"""CSV export: one flat row per list item, streamed so memory stays flat.

Each resource declares ``csv_columns``: ``(header, path)`` pairs resolved on the
item's JSON form. ``deal.slug`` reads a nested object; ``parties[].company.slug``
joins the values of every element with ``"; "`` (empty values included, so that
parallel columns line up). ``None`` is an empty cell,
booleans are ``true``/``false``.
"""

import csv
from collections.abc import Iterable, Iterator

from rest_framework.renderers import BaseRenderer

LIST_SEPARATOR = "; "


def resolve(item, path: str):
    """The value at ``path`` in ``item`` (see the module docstring); lists are joined."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        values = item.get(head[:-2]) or []
        # Empty parts are kept so that parallel columns (company, role, stake) line up.
        return LIST_SEPARATOR.join(cell(resolve(v, rest) if rest else v) for v in values)
    value = item.get(head) if isinstance(item, dict) else None
    if rest:
        return resolve(value, rest) if isinstance(value, dict) else None
    return value


def cell(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(cell(v) for v in value)
    return str(value)


class _Echo:
    """A file-like object whose ``write`` hands the line back to the generator."""

    def write(self, value):
        return value


def csv_lines(columns: list[tuple[str, str]], items: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow([header for header, _ in columns])
    for item in items:
        yield writer.writerow([cell(resolve(item, path)) for _, path in columns])


class CSVRenderer(BaseRenderer):
    """Negotiates ``?format=csv`` / ``Accept: text/csv``; list views stream the body themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        columns = getattr(view, "csv_columns", None)
        items = data.get("results", []) if isinstance(data, dict) else data or []
        if not columns:
            keys = list(items[0]) if items else []
            columns = [(key, key) for key in keys]
        return "".join(csv_lines(columns, items)).encode(self.charset)
