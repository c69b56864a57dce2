from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from deals.models import (
    Agreement,
    CommittedByCommodity,
    CommittedByCountryPair,
    CommittedByPeriod,
    DealPipeline,
    MonthlyActivity,
    UnconvertedByPeriod,
    ViewRefresh,
)


def dashboard(request):
    """Numbers from the derived views; the charts draw the same rows from ``/api/v1/stats/``.

    The tables are rendered once per refresh of the views (template fragment cache
    keyed on "data as of"); the querysets below are lazy (the periods' two queries
    aside), so a cached render runs few queries whatever the data's size.
    """
    context = {
        "by_commodity": CommittedByCommodity.objects.select_related("commodity"),
        "by_period": periods(),
        "by_country": CommittedByCountryPair.objects.all(),
        "pipeline": DealPipeline.objects.all(),
        "activity": MonthlyActivity.objects.order_by("-month")[:12],
        "refreshes": {r.name: r for r in ViewRefresh.objects.all()},
    }
    context["as_of"] = min((r.refreshed_at for r in context["refreshes"].values()), default=None)
    context["chart_text"] = chart_text()
    return render(request, "deals/dashboard.html", context)


def periods() -> list:
    """The period rows, each with its money not converted to USD and its months (links)."""
    missing: dict[tuple, list] = {}
    for row in UnconvertedByPeriod.objects.all():
        missing.setdefault((row.year, row.quarter), []).append(row)
    rows = list(CommittedByPeriod.objects.order_by("year", "quarter"))
    for row in rows:
        row.unconverted = missing.pop((row.year, row.quarter), [])
        row.first_month, row.last_month = 3 * row.quarter - 2, 3 * row.quarter
    return rows


def chart_text() -> dict:
    """What the charts write, in the interface language (the API answers codes and names)."""
    return {
        "lang": (get_language() or "en")[:2],
        "series": {
            "agreements": _("agreements"),
            "agreements_signed": _("agreements signed"),
            "events": _("events"),
            "amounts_announced": _("amounts announced"),
            "committed": _("committed (USD bn)"),
            "financing": _("financing interest (USD bn)"),
        },
        "kinds": {code: str(label) for code, label in Agreement.Kind.choices},
        "statuses": {code: str(label) for code, label in Agreement.Status.choices},
    }
