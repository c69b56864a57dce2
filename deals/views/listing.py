"""List pages filtered by the API's filter sets: same parameters, same values, same records."""

from django.core.paginator import Paginator
from django.shortcuts import render


def filtered_list(request, template, filterset_class, queryset, per_page, name):
    """Render ``template`` with the filter form, a page of the filtered records and the query.

    Invalid filters show the form's errors (status 400) over an empty list; the
    pager's links keep the filters (``query``).
    """
    filters = filterset_class(request.GET, queryset=queryset, request=request)
    valid = filters.is_valid()
    records = filters.qs if valid else queryset.none()
    page = Paginator(records, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {name: page.object_list, "page": page, "filters": filters,
               "query": query.urlencode()}  # fmt: skip
    return render(request, template, context, status=200 if valid else 400)
