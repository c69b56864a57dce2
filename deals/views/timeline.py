import functools

from django.db.models import Max, Min
from django.shortcuts import render
from django.urls import reverse

from deals import feeds
from deals.models import Citation, ViewRefresh
from deals.selectors import all_groups, timeline
from deals.templatetags.timeline import shown_entries
from minerals_portal.common import exports


def timeline_page(request):
    """Agreements, amounts and events in date order, filtered by the URL's parameters;
    ``?format=csv|xlsx`` downloads the whole selection, ``?format=atom`` is its feed."""
    result = timeline(request, request.GET)
    query = request.GET.copy()
    query.pop("page", None)
    fmt = query.pop("format", [""])[0]
    page_url = reverse("home") + (f"?{query.urlencode()}" if query else "")
    if result.cache_key and fmt in (*exports.FORMATS, "atom"):
        limit = feeds.FEED_ENTRIES if fmt == "atom" else exports.EXPORT_LIMIT
        entries = shown_entries(all_groups(result.filters, limit))
        if fmt == "atom":
            return feeds.atom(request, entries, page_url, _describe(result.filters))
        rows = (feeds.export_row(request, e) for e in entries)
        return exports.download(fmt, "timeline", feeds.export_headers(), rows)
    status = 400 if result.form.errors else 200
    feed_url = page_url + ("&" if query else "?") + "format=atom"
    context = {"t": result, "query": query.urlencode(), "feed_url": feed_url,
               "freshness": Freshness()}  # fmt: skip
    return render(request, "deals/timeline.html", context, status=status)


def _describe(filters) -> str:
    """The chosen filters as the form labels them, e.g. "Commodity: tungsten; Country: KZ"."""
    form = filters.form
    parts = []
    for name, value in filters.chosen().items():
        shown = ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        parts.append(f"{form.fields[name].label or name}: {shown}")
    return "; ".join(parts)


class Freshness:
    """How current the portal is, read only if the page body is rendered (not cached):
    the publication date of the newest article cited, and the last refresh of the figures."""

    @functools.cached_property
    def newest_source(self):
        return Citation.objects.aggregate(newest=Max("source__published"))["newest"]

    @functools.cached_property
    def refreshed_at(self):
        return ViewRefresh.objects.aggregate(oldest=Min("refreshed_at"))["oldest"]
