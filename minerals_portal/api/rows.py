"""Lists and CSV exports built from plain rows, for resources whose serializers are too slow.

A resource sets ``list_rows`` to an object with:

* ``rows(queryset)``: the filtered, ordered queryset as plain rows (e.g. ``values()``),
  which the paginator slices like the queryset itself;
* ``items(rows)``: the list form of a page of rows, equal to the list serializer's;
* ``csv_headers`` and ``csv_rows(queryset)``: chunks (lists) of CSV cells, in the
  order of the resource's ``csv_columns``.

Visibility, filters, ordering and pagination are the view's as before; only the
way rows become JSON and CSV changes (see ``deals.api.rows``).
"""

from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

from .renderers import csv_writer


def csv_chunks(headers: Iterable[str], chunks: Iterable[list[list[str]]]) -> Iterator[str]:
    """The CSV text, one string per chunk of rows (fewer, larger writes than one per row)."""
    writer = csv_writer()
    yield writer.writerow(list(headers))
    for chunk in chunks:
        yield "".join(map(writer.writerow, chunk))


class PlainRowsMixin:
    """Serve ``list`` (JSON and CSV) through ``list_rows`` when the resource sets one."""

    list_rows = None

    def _list(self):
        if self.list_rows is None:
            return super()._list()
        queryset = self.filter_queryset(self.get_queryset())
        if self.request.accepted_renderer.format == "csv":
            return self.csv_response(queryset)
        page = self.paginate_queryset(self.list_rows.rows(queryset))
        response = self.get_paginated_response(self.list_rows.items(page))
        response.plain_data = True  # plain dicts and lists: cached as they are
        return response

    def csv_response(self, queryset):
        if self.list_rows is None:
            return super().csv_response(queryset)
        body = csv_chunks(self.list_rows.csv_headers, self.list_rows.csv_rows(queryset))
        response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        return response
