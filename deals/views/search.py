from django.shortcuts import render

from deals.filtersets import (
    AgreementFilterSet,
    CompanyFilterSet,
    DealFilterSet,
)
from deals.models import Agreement, Company, Deal
from deals.visibility import shows_drafts, visible
from deposits.filtersets import DepositFilterSet
from deposits.models import Deposit

LIMIT = 25


def search(request):
    """One box for deposits, companies, deals and agreements, in any script or spelling."""
    q = request.GET.get("q", "").strip()[:200].replace("\x00", "")
    results = {}
    if q:
        drafts = shows_drafts(request)
        params = {"q": q}
        sets = {
            "deposits": DepositFilterSet(params, Deposit.objects.all(), request=request),
            "companies": CompanyFilterSet(params, Company.objects.all(), request=request),
            "deals": DealFilterSet(params, visible(Deal.objects.all(), drafts), request=request),
            "agreements": AgreementFilterSet(
                params, visible(Agreement.objects.select_related("deal"), drafts),
                request=request,
            ),
        }  # fmt: skip
        results = {name: list(fs.qs.order_by("pk")[:LIMIT]) for name, fs in sets.items()}
    total = sum(len(r) for r in results.values())
    return render(request, "deals/search.html", {"q": q, "results": results, "total": total})
