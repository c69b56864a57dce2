from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from deals.citations import gather
from deals.counting import ENDED, totals
from deals.filtersets import DealFilterSet, with_usd
from deals.history.public import public_log
from deals.models import Agreement, AgreementParty, Amount, Deal, Event, FigureReport, StatusChange
from deals.renamed import follows_renamed
from deals.templatetags.portal import localized
from deals.visibility import shows_drafts, visible
from deposits.models import Deposit

from .listing import Export, filtered_list

LIST_PAGE_SIZE = 50


def deal_list(request):
    drafts = shows_drafts(request)
    deals = (
        visible(Deal.objects.all(), drafts)
        .annotate(agreement_count=Count("agreements", filter=_visible_agreement(drafts)))
        .prefetch_related(Prefetch("deposits", queryset=_deposits(drafts)), "commodities")
        .order_by("name", "pk")
    )
    return filtered_list(
        request, "deals/deal_list.html", DealFilterSet, deals, LIST_PAGE_SIZE, "deals",
        export=DEAL_EXPORT,
    )  # fmt: skip


def _names(records) -> str:
    return "; ".join(localized(r) for r in records)


DEAL_EXPORT = Export(
    "deals",
    lambda: [_("Deal"), _("Agreements"), _("Deposits"), _("Commodities"), _("Summary"), _("Page")],
    lambda d: [localized(d), d.agreement_count, _names(d.deposits.all()),
               _names(d.commodities.all()), d.summary, reverse("deal-detail", args=[d.slug])],
)  # fmt: skip


def _visible_agreement(drafts):
    return Q() if drafts else Q(agreements__publication="published")


def _deposits(drafts):
    """A record's deposits as this reader may see them (a link to a hidden one is not shown)."""
    return visible(Deposit.objects.all(), drafts)


@follows_renamed(Deal)
def deal_detail(request, slug):
    drafts = shows_drafts(request)
    deal = get_object_or_404(
        visible(Deal.objects.all(), drafts).prefetch_related(
            Prefetch("deposits", queryset=_deposits(drafts).prefetch_related("regions")),
            "commodities", "regions", "facilities",
        ),
        slug=slug,
    )  # fmt: skip
    reports = Prefetch(
        "reports", queryset=visible(FigureReport.objects.select_related("source"), drafts)
    )
    parties = Prefetch(
        "parties",
        queryset=visible(AgreementParty.objects.all(), drafts)
        .select_related("company", "held_via")
        .prefetch_related(reports),
    )
    changes = Prefetch(
        "status_changes", queryset=visible(StatusChange.objects.select_related("source"), drafts)
    )
    agreements = list(
        visible(Agreement.objects.filter(deal=deal), drafts)
        .prefetch_related(parties, Prefetch("deposits", queryset=_deposits(drafts)), changes)
        .order_by("signed_on", "announced_on", "title")
    )
    amounts_qs = visible(Amount.objects.filter(deal=deal), drafts)
    amounts = list(
        with_usd(amounts_qs)
        .select_related("agreement", "investor", "restates")
        .prefetch_related(
            reports,
            Prefetch(
                "reported_with", queryset=visible(Agreement.objects.order_by("title"), drafts)
            ),
        )
        .order_by("as_of")
    )
    events = list(visible(Event.objects.filter(deal=deal), drafts).order_by("on"))
    records = [deal, *agreements, *amounts, *events]
    records += [p for a in agreements for p in a.parties.all()]
    shown: dict[type, set[int]] = {}
    for record in [deal, *agreements, *amounts, *events]:
        shown.setdefault(type(record), set()).add(record.pk)
    context = {
        "last_updated": max(r.updated_at for r in records),
        "change_log": public_log(deal, shown),
        "deal": deal,
        "agreements": agreements,
        "amounts": amounts,
        "events": events,
        "totals": totals(amounts_qs, drafts),
        "ended": ENDED,
        "sources": gather(records, drafts),
    }
    return render(request, "deals/deal_detail.html", context)
