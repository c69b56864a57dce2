"""Page-number pagination for reference lists, cursor pagination for the growing feeds.

``page_size`` may be 1 to ``API_MAX_PAGE_SIZE`` (500); a larger or malformed
value is refused with 400 rather than silently clamped. A page past the end
is a 404; a malformed ``page`` or ``cursor`` is a 400.
"""

from django.conf import settings
from django.core.paginator import InvalidPage
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class StrictPageSizeMixin:
    page_size_query_param = "page_size"

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
                }
            )
        return size


class PagePagination(StrictPageSizeMixin, pagination.PageNumberPagination):
    page_size_query_description = "Results per page (default 50, at most 500; more is a 400)."
    page_query_description = "Page number, from 1 (or `last`); a page past the end is a 404."

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            return paginator.num_pages
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise ValidationError({self.page_query_param: ["page must be a whole number from 1."]})
        return number

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound(
                f"Page {number} does not exist: there are {paginator.num_pages} page(s).",
                code="page_not_found",
            ) from None
        return list(self.page)


class FeedCursorPagination(StrictPageSizeMixin, pagination.CursorPagination):
    """Stable under inserts: follow ``next`` until it is null.

    The order is the view's ``ordering`` (or the ``ordering`` parameter) and
    always ends with ``id``, so rows never repeat or go missing between pages.
    """

    ordering = ("updated_at", "id")
    page_size_query_description = "Results per page (default 50, at most 500; more is a 400)."
    cursor_query_description = "Opaque position returned in `next`/`previous`."

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {self.cursor_query_param: ["Invalid cursor: use the `next` or `previous` link."]}
            ) from None
