"""Hostile uploads are refused quickly, in little memory, before they are read whole."""

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from django.test import RequestFactory
from django.urls import reverse

from deals.imports.importer import import_file
from deals.imports.limits import RequestSizeLimit

from .conftest import logged_in
from .test_imports import as_xlsx, rows

pytestmark = pytest.mark.django_db


def rewritten(xlsx: bytes, part: str, change) -> bytes:
    """``xlsx`` with one part's XML passed through ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                data = change(data.decode()).encode()
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def refused_within(name, data, editor, limit_s=1.0, limit_mb=50):
    tracemalloc.start()
    started = time.monotonic()
    try:
        error = import_file(name, data, editor, commit=False).file_error
        seconds = time.monotonic() - started
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert error, "the file was accepted"
    assert seconds < limit_s, f"refused after {seconds:.2f} s"
    assert peak_mb < limit_mb, f"{peak_mb:.0f} MB allocated on the way"
    return error


def test_a_sheet_declaring_a_million_rows_of_16384_columns_is_refused_at_once(world, editor):
    declared = rewritten(
        as_xlsx(rows(world, n=1)),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>', xml),
    )
    assert len(declared) < 10_000  # a small file that declares 17 billion cells
    assert "declares 1048576 rows" in refused_within("bomb.xlsx", declared, editor)


def test_a_zip_bomb_workbook_is_refused_from_its_directory(world, editor):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(as_xlsx(rows(world, n=1)))) as src:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info.filename, src.read(info))
            with dst.open("xl/padding.xml", "w") as padding:  # 120 MB of blanks
                chunk = b" " * 2**20
                for _ in range(120):
                    padding.write(chunk)
    bomb = out.getvalue()
    assert len(bomb) < 1_000_000
    assert "unpacks to 120 MB" in refused_within("bomb.xlsx", bomb, editor)


def test_cells_are_read_within_the_column_limit_whatever_the_sheet_says(world, editor):
    # Declared small, but a row reaches column XFD: reading stops at the column limit.
    wide = rewritten(
        as_xlsx(rows(world, n=1)),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("</row>", '<c r="XFD1"><v>1</v></c></row>', 1),
    )
    result = import_file("wide.xlsx", wide, editor, commit=False)
    assert not result.file_error and len(result.rows) == 1


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = read


def test_an_oversized_upload_is_answered_413_before_its_body_is_read(editor):
    request = RequestFactory().post("/admin/deals/agreement/import/")
    request.META["CONTENT_LENGTH"] = str(400 * 2**20)  # a 400 MB CSV
    request.META["wsgi.input"] = Unreadable()
    response = RequestSizeLimit(lambda r: pytest.fail("the view ran"))(request)
    assert response.status_code == 413 and "larger than 5 MB" in response.content.decode()
    # Under /api/ the same answer reaches the client as JSON: tests/api/test_conventions.py.


def test_the_admin_page_refuses_a_6_mb_file_with_413(client, world, editor):
    logged_in(client, editor)
    upload = io.BytesIO(b"deal,agreement_title\n" + b"x" * (6 * 2**20))
    upload.name = "big.csv"
    response = client.post(reverse("admin:deals_agreement_import"), {"file": upload})
    assert response.status_code == 413
