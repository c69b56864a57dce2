"""A deal's change history page (``/deals/<slug>/history/``), for editors and analysts.

The deal and everything shown on its page — agreements, parties, amounts,
events, citations — newest change first, with each field's before and after.
Editors get a link to revert each change (in the admin, where it is confirmed).
"""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from deals.history.entries import history
from deals.models import Deal
from deals.renamed import follows_renamed

from .editorial import staff_roles_only

PAGE_SIZE = 25


@staff_roles_only
@follows_renamed(Deal)
def deal_history(request, slug):
    deal = get_object_or_404(Deal, slug=slug)
    entries = history(deal)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        opts = entry.model._meta
        if entry.revertable and request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            entry.revert_url = reverse("admin:deals_deal_revert", args=[deal.pk, entry.key])
    context = {"deal": deal, "page": page}
    return render(request, "editorial/deal_history.html", context)
