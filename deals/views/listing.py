"""List pages filtered by the API's filter sets: same parameters, same values, same records."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import render

from minerals_portal.common import exports


@dataclass
class Export:
    """How a list page writes its filtered records as CSV/XLSX: a file name, the
    column headers and one row of plain values per record."""

    name: str
    headers: Callable[[], Sequence[str]]
    row: Callable[[object], Sequence]


def filtered_list(request, template, filterset_class, queryset, per_page, name, export=None):
    """Render ``template`` with the filter form, a page of the filtered records and the query.

    Invalid filters show the form's errors (status 400) over an empty list; the
    pager's and the download links keep the filters (``query``). With ``export`` and
    ``?format=csv|xlsx`` the whole filtered list (up to ``EXPORT_LIMIT``) is downloaded.
    """
    filters = filterset_class(request.GET, queryset=queryset, request=request)
    valid = filters.is_valid()
    records = filters.qs if valid else queryset.none()
    fmt = exports.requested(request)
    if export and fmt and valid:
        rows = (export.row(r) for r in records[: exports.EXPORT_LIMIT])
        return exports.download(fmt, export.name, export.headers(), rows)
    page = Paginator(records, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {name: page.object_list, "page": page, "filters": filters,
               "query": query.urlencode(), "exports": bool(export)}  # fmt: skip
    return render(request, template, context, status=200 if valid else 400)
