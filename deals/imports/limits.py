"""What an upload may be, checked before it is read: size, unpacked size, rows, columns.

A request body past ``MAX_REQUEST_BYTES`` is refused from its ``Content-Length``
before a byte of it is read (``RequestSizeLimit``), and an upload without one stops
being stored past the limit (``LimitedUploadHandler``). An XLSX is a zip of XML: its
declared unpacked size and sheet dimensions are checked before any cell is parsed,
and cells are read in read-only mode within ``MAX_ROWS`` × ``MAX_COLUMNS``.
"""

from __future__ import annotations

import zipfile

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024  # one import file
MAX_REQUEST_BYTES = MAX_BYTES + 256 * 1024  # the file plus the form around it
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # an XLSX's parts, unpacked
MAX_ROWS = 5000
MAX_COLUMNS = 64


class FileRefused(Exception):
    """The file as a whole cannot be read (format, header, size)."""


def too_large_message() -> str:
    return _("The upload is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}


def check_unpacked_size(archive: zipfile.ZipFile) -> None:
    """Refuse a zip whose parts unpack past the limit (a zip bomb), from its directory only.

    Python's zip reader never returns more than a part's declared size, so the
    declared sizes bound what reading the cells can unpack.
    """
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNZIPPED_BYTES:
        raise FileRefused(
            f"The workbook unpacks to {total // (1024 * 1024)} MB, more than "
            f"{MAX_UNZIPPED_BYTES // (1024 * 1024)} MB: save a smaller file."
        )


def check_dimensions(rows: int | None, columns: int | None) -> None:
    """Refuse a sheet declaring more rows or columns than an import may have."""
    if rows and rows > MAX_ROWS + 1:
        raise FileRefused(f"The sheet declares {rows} rows; at most {MAX_ROWS} may be imported.")
    if columns and columns > MAX_COLUMNS:
        raise FileRefused(f"The sheet declares {columns} columns; at most {MAX_COLUMNS}.")


class LimitedUploadHandler(FileUploadHandler):
    """Stops storing an upload past ``MAX_REQUEST_BYTES`` (for bodies without a length)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_REQUEST_BYTES:
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


class RequestSizeLimit:
    """Middleware: a body declared larger than the limit is answered 413 unread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_REQUEST_BYTES:
            # Under /api/ the API's middleware answers this in its JSON error shape.
            message = too_large_message()
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        request.upload_handlers.insert(0, LimitedUploadHandler(request))
        return self.get_response(request)
