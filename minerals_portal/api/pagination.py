"""One pagination convention for every list: opaque cursors and ``Link`` headers.

Every list answers ``{"next": url|null, "previous": url|null, "results": [...]}``
and repeats ``next``/``previous`` in a ``Link`` header (RFC 8288, ``rel="next"`` and
``rel="prev"``). Follow ``next`` until it is null: inserts never shift a page, and
no row repeats or goes missing between pages (the order always ends with ``id``).

``page_size`` may be 1 to ``API_MAX_PAGE_SIZE`` (500); a larger or malformed
value is refused with 400 rather than silently clamped; so is a malformed
``cursor``.
"""

import base64
import binascii

import orjson
from django.conf import settings
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

PAGE_SIZE_HELP = "Results per page (default 50, at most 500; more is a 400)."
CURSOR_HELP = "Opaque position: follow the `next` or `previous` link (or `Link` header)."
INVALID_CURSOR = "Invalid cursor: use the `next` or `previous` link."
CURSOR_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9+/=_-]*$"}  # base64 text


def documented(parameters: list[dict]) -> list[dict]:
    """The pagination parameters as served: a cursor is base64 text, a page size 1 to 500."""
    limits = {"cursor": CURSOR_SCHEMA, "page_size": {"type": "integer", "minimum": 1}}
    for parameter in parameters:
        schema = dict(limits.get(parameter["name"], parameter["schema"]))
        if parameter["name"] == "page_size":
            schema["maximum"] = settings.API_MAX_PAGE_SIZE
        parameter["schema"] = schema
    return parameters


class StrictPageSizeMixin:
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def invalid_cursor(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [INVALID_CURSOR]}, code="invalid_cursor")

    def refuse_bad_parameters(self, request) -> None:
        """Check ``page_size`` and ``cursor`` without paging (a CSV export holds every row,
        yet a malformed value is still a 400, as on the JSON list)."""
        self.get_page_size(request)
        if request.query_params.get(self.cursor_query_param):
            decode = getattr(self, "decode_cursor", None) or self._decode
            decode(request)

    def get_page_size(self, request):
        self.max_page_size = settings.API_MAX_PAGE_SIZE
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return settings.API_PAGE_SIZE
        try:
            size = int(raw)
        except ValueError:
            size = None
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"page_size must be a whole number from 1 to {self.max_page_size}."
                    ]
                },
                code="invalid_page_size",
            )
        return size


class LinkHeaderMixin:
    """The page as ``{next, previous, results}`` with the same links in a ``Link`` header."""

    def get_paginated_response(self, data):
        response = Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )
        links = [
            f'<{url}>; rel="{rel}"'
            for url, rel in ((response.data["next"], "next"), (response.data["previous"], "prev"))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page; null on the last."},
                "previous": {**link, "description": "The previous page; null on the first."},
                "results": schema,
            },
        }


class FeedCursorPagination(LinkHeaderMixin, StrictPageSizeMixin, pagination.CursorPagination):
    """Every queryset list: stable under inserts, follow ``next`` until it is null.

    The order is the view's ``ordering`` (or the ``ordering`` parameter) and
    always ends with ``id``, so rows never repeat or go missing between pages.
    """

    ordering = ("updated_at", "id")
    page_size_query_description = PAGE_SIZE_HELP
    cursor_query_description = CURSOR_HELP

    def get_schema_operation_parameters(self, view):
        return documented(super().get_schema_operation_parameters(view))

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise self.invalid_cursor() from None


class ListCursorPagination(LinkHeaderMixin, StrictPageSizeMixin, pagination.BasePagination):
    """The same convention over an ordered Python list whose items have a unique ``key``.

    The cursor names the item a page starts after (``next``) or ends before
    (``previous``), so items added at the head of the list (a record's newest
    change) never shift the pages a client is reading.
    """

    def __init__(self, key=lambda item: item.key):
        self.key = key

    def paginate_queryset(self, items, request, view=None):
        self.base_url = request.build_absolute_uri()
        size = self.get_page_size(request)
        keys = [self.key(item) for item in items]
        direction, anchor = self._decode(request)
        if anchor is None:
            start = 0
        elif anchor not in keys:
            raise self.invalid_cursor()
        elif direction == "after":
            start = keys.index(anchor) + 1
        else:
            start = max(keys.index(anchor) - size, 0)
        stop = start + size if direction != "before" or anchor is None else keys.index(anchor)
        page = items[start:stop]
        self.next_key = keys[stop - 1] if stop < len(items) and page else None
        self.previous_key = keys[start] if start > 0 else None
        return page

    def _decode(self, request):
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None, None
        try:
            direction, anchor = orjson.loads(base64.urlsafe_b64decode(raw.encode()))
        except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
            raise self.invalid_cursor() from None
        if direction not in ("after", "before"):
            raise self.invalid_cursor()
        return direction, anchor

    def _link(self, direction, anchor):
        if anchor is None:
            return None
        cursor = base64.urlsafe_b64encode(orjson.dumps([direction, anchor])).decode()
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

    def get_next_link(self):
        return self._link("after", self.next_key)

    def get_previous_link(self):
        return self._link("before", self.previous_key)

    def get_schema_operation_parameters(self, view):
        names = (
            (self.cursor_query_param, CURSOR_HELP),
            (self.page_size_query_param, PAGE_SIZE_HELP),
        )
        return documented(
            [
                {"name": name, "required": False, "in": "query", "description": text, "schema": {}}
                for name, text in names
            ]
        )
