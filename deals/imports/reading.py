"""Files to rows: CSV (UTF-8, comma or semicolon) or XLSX (the first sheet).

Rows are numbered as a spreadsheet shows them (the header is row 1); blank
rows are skipped. Cell values become trimmed strings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from .columns import REQUIRED_HEADERS, columns
from .limits import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    FileRefused,
    check_dimensions,
    check_unpacked_size,
)

__all__ = ["FileRefused", "MAX_BYTES", "MAX_ROWS", "read_rows"]


def read_rows(name: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """[(row number, {column: text})] from the file ``name`` holding ``data``."""
    if len(data) > MAX_BYTES:
        raise FileRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if name.lower().endswith(".xlsx"):
        table = _xlsx(data)
    elif name.lower().endswith(".csv"):
        table = _csv(data)
    else:
        raise FileRefused("Upload a .csv or .xlsx file (see the template).")
    if not table:
        raise FileRefused("The file is empty.")
    header = [h.strip().lower() for h in table[0]]
    names = [name for name, _ in columns()]
    unknown = [h for h in header if h and h not in names]
    if unknown:
        raise FileRefused(
            f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(names)}."
        )
    missing = [h for h in REQUIRED_HEADERS if h not in header]
    if missing:
        raise FileRefused(f"Missing column(s): {', '.join(missing)}.")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        if any(values.values()):
            rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise FileRefused(f"At most {MAX_ROWS} rows per file; this one has {len(rows)}.")
    if not rows:
        raise FileRefused("The file has a header but no rows.")
    return rows


def _csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("The CSV file is not UTF-8 text; save it as “CSV UTF-8”.") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [[cell.strip() for cell in row] for row in rows]


def _xlsx(data: bytes) -> list[list[str]]:
    """The first sheet's cells, read in read-only mode within the limits (see ``limits``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_unpacked_size(archive)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileRefused("The file is not a readable XLSX workbook.") from None
    try:
        sheet = book.worksheets[0]
        check_dimensions(sheet.max_row, sheet.max_column)
        table = []
        # Bounded whatever the sheet declares: a row is never padded past MAX_COLUMNS,
        # and reading stops one row past what an import may hold.
        rows = sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True)
        for row in rows:
            table.append([_text(value) for value in row])
        return table
    finally:
        book.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).replace("\x00", "").strip()
