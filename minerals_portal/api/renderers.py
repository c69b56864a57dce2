"""CSV export: one flat row per list item, streamed so memory stays flat.

Each resource declares ``csv_columns``: ``(header, path)`` pairs resolved on the
item's JSON form. ``deal.slug`` reads a nested object; ``parties[].company.slug``
joins the values of every element with ``"; "`` (empty values included, so that
parallel columns line up). ``None`` is an empty cell,
booleans are ``true``/``false``.

Every CSV the portal writes goes through ``csv_writer``: a cell that a spreadsheet
would run as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is written with a leading ``'``, which spreadsheets show as text.
``?bom=1`` puts a UTF-8 byte-order mark first, so Excel reads Cyrillic right.
"""

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from itertools import chain

import orjson
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer

from .fields import iso_datetime

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
    if isinstance(value, dt.datetime):  # as the JSON answer writes it
        return iso_datetime(value)
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


FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value):
    """``value`` as a spreadsheet shows it as text: a formula-leading cell gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class _SafeWriter:
    """``csv.writer`` whose rows have their formula-leading cells escaped."""

    def __init__(self):
        self._writer = csv.writer(_Echo(), lineterminator="\r\n")

    def writerow(self, row) -> str:
        return self._writer.writerow([safe_cell(value) for value in row])


def csv_writer() -> _SafeWriter:
    """The portal's one CSV writer: ``writerow`` returns the line (CRLF-terminated) it wrote,
    formula-leading cells escaped."""
    return _SafeWriter()


def wants_bom(request) -> bool:
    """Whether ``?bom=1`` (or ``true``) asks for a byte-order mark before the CSV."""
    raw = request.query_params.get("bom", "") if request is not None else ""
    if raw.lower() in ("", "0", "false"):
        return False
    if raw.lower() in ("1", "true"):
        return True
    raise ValidationError({"bom": ["bom must be 1 or 0 (true or false)."]}, code="invalid_choice")


def with_bom(request, lines: Iterable[str]) -> Iterator[str]:
    """The CSV ``lines``, after a byte-order mark if the request asks for one (checked now,
    before streaming starts, so a bad ``bom`` is a 400)."""
    return chain([BOM] if wants_bom(request) else [], lines)


def csv_lines(columns: list[tuple[str, str]], items: Iterable[dict]) -> Iterator[str]:
    writer = csv_writer()
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
        request = (renderer_context or {}).get("request")
        return "".join(with_bom(request, csv_lines(columns, items))).encode(self.charset)


class FastJSONRenderer(JSONRenderer):
    """DRF's JSON, written by orjson: the same text, several times faster on a full page.

    Whatever orjson does not know natively (datetimes, decimals, lazy strings…)
    goes through DRF's own encoder, so it reads exactly as before; U+2028/U+2029
    are escaped as DRF escapes them. Indented output (``; indent=``), and data
    orjson refuses (an integer wider than 64 bits, a non-string key), are left to
    ``JSONRenderer``. Two differences remain, in values the API does not hold: a
    float below 1e-4 reads ``1e-7`` rather than ``1e-07`` (the same number), and
    NaN or infinity becomes ``null`` where DRF's strict renderer would fail.
    """

    OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS

    def render(self, data, accepted_media_type=None, renderer_context=None):
        fallback = (
            data is None
            or self.ensure_ascii
            or not self.compact
            or self.get_indent(accepted_media_type, renderer_context or {}) is not None
        )
        if not fallback:
            try:
                text = orjson.dumps(data, default=self.encoder_class().default, option=self.OPTIONS)
            except orjson.JSONEncodeError:
                pass
            else:
                if b"\xe2\x80\xa8" in text or b"\xe2\x80\xa9" in text:
                    text = text.replace(b"\xe2\x80\xa8", b"\\u2028")
                    text = text.replace(b"\xe2\x80\xa9", b"\\u2029")
                return text
        return super().render(data, accepted_media_type, renderer_context)
