from django.shortcuts import render

from deals.filtersets import (
    AgreementFilterSet,
    CompanyFilterSet,
    DealFilterSet,
    EventFilterSet,
    SourceFilterSet,
)
from deals.models import Agreement, Company, Deal, Event, Source
from deals.visibility import shows_drafts, visible
from deposits.filtersets import DepositFilterSet
from deposits.models import Deposit
from minerals_portal.common.search import closest

LIMIT = 25


def search(request):
    """One box for deposits, companies, deals, agreements, events and sources, in any
    script or spelling; when nothing matches, the closest names ("did you mean")."""
    q = request.GET.get("q", "").strip()[:200].replace("\x00", "")
    results, suggestions = {}, {}
    if q:
        drafts = shows_drafts(request)
        params = {"q": q}
        deals = visible(Deal.objects.all(), drafts)
        events = visible(Event.objects.select_related("deal"), drafts)
        deposits = visible(Deposit.objects.all(), drafts)
        companies = visible(Company.objects.all(), drafts)
        sets = {
            "deposits": DepositFilterSet(params, deposits, request=request),
            "companies": CompanyFilterSet(params, companies, request=request),
            "deals": DealFilterSet(params, deals, request=request),
            "agreements": AgreementFilterSet(
                params, visible(Agreement.objects.select_related("deal"), drafts),
                request=request,
            ),
            "events": EventFilterSet(params, events, request=request),
            "sources": SourceFilterSet(
                params, visible(Source.objects.all(), drafts), request=request
            ),
        }  # fmt: skip
        results = {name: list(fs.qs.order_by("pk")[:LIMIT]) for name, fs in sets.items()}
        if not any(results.values()):
            suggestions = {
                "deposits": list(closest(deposits, q)),
                "companies": list(closest(companies, q)),
                "deals": list(closest(deals, q)),
            }
    total = sum(len(r) for r in results.values())
    context = {"q": q, "results": results, "total": total, "suggestions": suggestions}
    context["suggested"] = sum(len(s) for s in suggestions.values())
    return render(request, "deals/search.html", context)
