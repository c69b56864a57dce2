from django.shortcuts import render

from deals.models import (
    CommittedByCommodity,
    CommittedByCountryPair,
    CommittedByPeriod,
    DealPipeline,
    MonthlyActivity,
    ViewRefresh,
)


def dashboard(request):
    """Numbers from the derived views; the charts draw the same rows from ``/api/v1/stats/``.

    The tables are rendered once per refresh of the views (template fragment cache
    keyed on "data as of"); the querysets below are lazy, so a cached render runs
    only the one query for the refresh times.
    """
    context = {
        "by_commodity": CommittedByCommodity.objects.select_related("commodity"),
        "by_period": CommittedByPeriod.objects.order_by("year", "quarter"),
        "by_country": CommittedByCountryPair.objects.all(),
        "pipeline": DealPipeline.objects.all(),
        "activity": MonthlyActivity.objects.order_by("-month")[:12],
        "refreshes": {r.name: r for r in ViewRefresh.objects.all()},
    }
    context["as_of"] = min((r.refreshed_at for r in context["refreshes"].values()), default=None)
    return render(request, "deals/dashboard.html", context)
