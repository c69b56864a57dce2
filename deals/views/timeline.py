from django.shortcuts import render

from deals.selectors import timeline


def timeline_page(request):
    """Agreements, amounts and events in date order, filtered by the URL's parameters."""
    result = timeline(request, request.GET)
    query = request.GET.copy()
    query.pop("page", None)
    status = 400 if result.form.errors else 200
    return render(
        request, "deals/timeline.html", {"t": result, "query": query.urlencode()}, status=status
    )
