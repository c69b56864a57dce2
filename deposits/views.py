from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from deals.citations import gather
from deals.counting import of_deposit, totals
from deals.models import Amount, Deal, Event
from deals.renamed import follows_renamed
from deals.views.listing import filtered_list
from deals.visibility import shows_drafts, visible

from . import maps
from .filtersets import DepositFilterSet
from .models import Deposit, DepositCommodity, ResourceEstimate


def deposit_list(request):
    deposits = Deposit.objects.prefetch_related("regions", "commodities").order_by("name", "pk")
    return filtered_list(
        request, "deposits/deposit_list.html", DepositFilterSet, deposits, 100, "deposits"
    )


@follows_renamed(Deposit)
def deposit_detail(request, slug):
    deposit = get_object_or_404(
        Deposit.objects.prefetch_related(
            "regions",
            Prefetch("deposit_commodities",
                     queryset=DepositCommodity.objects.select_related("commodity")),
        ),
        slug=slug,
    )  # fmt: skip
    drafts = shows_drafts(request)
    estimates = list(
        ResourceEstimate.objects.filter(deposit=deposit)
        .select_related("commodity")
        .order_by("as_of", "slug")
    )
    deals = list(visible(Deal.objects.filter(deposits=deposit), drafts).order_by("name"))
    events = list(
        visible(Event.objects.filter(deposits=deposit) | Event.objects.filter(deal__in=deals),
                drafts).distinct().order_by("on")
    )  # fmt: skip
    context = {
        "deposit": deposit,
        "totals": totals(of_deposit(visible(Amount.objects.all(), drafts), deposit), drafts),
        "estimates": estimates,
        "deals": deals,
        "events": events,
        "outline": maps.outline_path(),
        "map_size": (maps.WIDTH, maps.HEIGHT),
        "markers": maps.markers([deposit]),
        "sources": gather([deposit, *estimates]),
    }
    return render(request, "deposits/deposit_detail.html", context)


def deposit_map(request):
    deposits = Deposit.objects.prefetch_related("regions").order_by("name")
    context = {
        "outline": maps.outline_path(),
        "map_size": (maps.WIDTH, maps.HEIGHT),
        "markers": maps.markers(deposits),
    }
    return render(request, "deposits/map.html", context)
