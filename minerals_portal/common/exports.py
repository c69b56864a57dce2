"""Any analyst page's records as a download: ``?format=csv`` or ``?format=xlsx``.

A page passes its column headers and its rows (plain values); both formats are
written here. CSV goes through the API's one writer (``csv_writer``: formula
cells escaped) with a UTF-8 byte-order mark so spreadsheet programs read
Cyrillic right; XLSX is written by openpyxl with the same escaping, numbers kept
as numbers.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

from minerals_portal.api.renderers import BOM, cell, csv_writer, safe_cell

EXPORT_LIMIT = 5000  # rows in one download; the API pages through more
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def requested(request) -> str | None:
    """The download format the query string asks for, if it is one of ours."""
    wanted = request.GET.get("format", "")
    return wanted if wanted in FORMATS else None


def _stamp() -> str:
    return dt.date.today().isoformat()


def download(fmt: str, name: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """The rows as a CSV or XLSX attachment named ``{name}-{today}.{fmt}``."""
    if fmt == "csv":
        writer = csv_writer()
        text = BOM + writer.writerow([str(h) for h in headers])
        text += "".join(writer.writerow([cell(v) for v in row]) for row in rows)
        response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(name[:31])
        sheet.append([str(h) for h in headers])
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{_stamp()}.{fmt}"'
    return response


def _xlsx_value(value):
    if value is None or isinstance(value, (int, float, Decimal, dt.date)):
        return value
    return safe_cell(str(value))
