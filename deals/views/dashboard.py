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
    context["chart_text"] = chart_text()
    return render(request, "deals/dashboard.html", context)


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
