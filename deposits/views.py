from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from deals.citations import gather
from deals.counting import of_deposit, totals
from deals.models import Amount, Company, Deal, Event, FigureReport
from deals.renamed import follows_renamed
from deals.templatetags.portal import localized
from deals.views.listing import Export, filtered_list
from deals.visibility import shows_drafts, visible

from . import maps
from .filtersets import DepositFilterSet
from .models import Deposit, DepositCommodity, Region, ResourceEstimate


def _kz_regions():
    return list(Region.objects.filter(country="KZ").order_by("name"))


def _names(records) -> str:
    return "; ".join(localized(r) for r in records)


DEPOSIT_EXPORT = Export(
    "deposits",
    lambda: [_("Name"), _("Name (Russian)"), _("Kind"), _("Region"), _("Commodities"), _("Page")],
    lambda d: [localized(d), d.name_ru, d.get_kind_display(), _names(d.regions.all()),
               _names(d.commodities.all()), reverse("deposit-detail", args=[d.slug])],
)  # fmt: skip


def deposit_list(request):
    deposits = visible(Deposit.objects.order_by("name", "pk"), request)
    deposits = deposits.prefetch_related("regions", "commodities")
    return filtered_list(
        request, "deposits/deposit_list.html", DepositFilterSet, deposits, 100, "deposits",
        export=DEPOSIT_EXPORT,
    )  # fmt: skip


@follows_renamed(Deposit)
def deposit_detail(request, slug):
    drafts = shows_drafts(request)
    deposit = get_object_or_404(
        visible(Deposit.objects.all(), drafts).prefetch_related(
            "regions",
            Prefetch("owners", queryset=visible(Company.objects.order_by("name"), drafts)),
            Prefetch("deposit_commodities",
                     queryset=DepositCommodity.objects.select_related("commodity")),
        ),
        slug=slug,
    )  # fmt: skip
    estimates = list(
        visible(ResourceEstimate.objects.filter(deposit=deposit), drafts)
        .select_related("commodity")
        .prefetch_related(
            Prefetch(
                "reports", queryset=visible(FigureReport.objects.select_related("source"), drafts)
            )
        )
        .order_by("as_of", "slug")
    )
    deals = list(visible(Deal.objects.filter(deposits=deposit), drafts).order_by("name"))
    events = list(
        visible(Event.objects.filter(deposits=deposit) | Event.objects.filter(deal__in=deals),
                drafts).distinct().order_by("on")
    )  # fmt: skip
    deposit.visible_deals = deals
    context = {
        "deposit": deposit,
        "totals": totals(of_deposit(visible(Amount.objects.all(), drafts), deposit), drafts),
        "estimates": estimates,
        "deals": deals,
        "events": events,
        "sources": gather([deposit, *estimates], drafts),
        **maps.map_context([deposit], _kz_regions()),
    }
    return render(request, "deposits/deposit_detail.html", context)


def deposit_map(request):
    drafts = shows_drafts(request)
    deals = visible(Deal.objects.order_by("name"), drafts)
    deposits = visible(Deposit.objects.order_by("name", "pk"), drafts).prefetch_related(
        "regions", Prefetch("deals", queryset=deals, to_attr="visible_deals")
    )
    context = maps.map_context(deposits, _kz_regions())
    return render(request, "deposits/map.html", context)
