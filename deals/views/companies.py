from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from deals.citations import gather
from deals.filtersets import CompanyFilterSet
from deals.models import AgreementParty, CommittedByCompany, Company, Ownership, ViewRefresh
from deals.renamed import follows_renamed
from deals.templatetags.portal import localized
from deals.visibility import shows_drafts, visible
from deposits.models import Deposit

from .listing import Export, filtered_list

COMPANY_EXPORT = Export(
    "companies",
    lambda: [_("Name"), _("Name (Russian)"), _("Kind"), _("Country"), _("Page")],
    lambda c: [localized(c), c.name_ru, c.get_kind_display(), c.country_shown,
               reverse("company-detail", args=[c.slug])],
)  # fmt: skip


def company_list(request):
    companies = visible(Company.objects.order_by("name", "pk"), request)
    return filtered_list(
        request, "deals/company_list.html", CompanyFilterSet, companies, 100, "companies",
        export=COMPANY_EXPORT,
    )  # fmt: skip


def ownership_tree(company, links_by_parent, depth=0, seen=None):
    """Nested (link, subtree) pairs below ``company``; a cycle is shown once, not followed."""
    seen = (seen or set()) | {company.pk}
    tree = []
    for link in links_by_parent.get(company.pk, []):
        below = [] if link.child_id in seen else ownership_tree(
            link.child, links_by_parent, depth + 1, seen
        )  # fmt: skip
        tree.append((link, below))
    return tree


def _links_in(tree):
    for link, below in tree:
        yield link
        yield from _links_in(below)


@follows_renamed(Company)
def company_detail(request, slug):
    drafts = shows_drafts(request)
    owned = Prefetch("owned_deposits", queryset=visible(Deposit.objects.order_by("name"), drafts))
    company = get_object_or_404(
        visible(Company.objects.all(), drafts).prefetch_related(owned), slug=slug
    )
    links = list(visible(Ownership.objects.all(), drafts).select_related("parent", "child"))
    by_parent, by_child = {}, {}
    for link in links:
        by_parent.setdefault(link.parent_id, []).append(link)
        by_child.setdefault(link.child_id, []).append(link)
    parents, node, seen = [], company.pk, {company.pk}
    while by_child.get(node):
        link = by_child[node][0]
        if link.parent_id in seen:
            break
        parents.append(link)
        seen.add(link.parent_id)
        node = link.parent_id
    roles = (
        AgreementParty.objects.filter(company=company)
        .filter(agreement__in=visible(company.agreements.all(), drafts))
        .select_related("agreement__deal", "held_via")
        .order_by("agreement__signed_on", "agreement__title")
    )
    totals = CommittedByCompany.objects.filter(company=company).first()
    refreshed = ViewRefresh.objects.filter(name="committed_by_company").first()
    tree = ownership_tree(company, by_parent)
    context = {
        "company": company,
        "parents": list(reversed(parents)),
        "tree": tree,
        "roles": list(roles),
        "totals": totals,
        "refreshed": refreshed,
        "sources": gather([company, *parents, *_links_in(tree)], drafts),
    }
    return render(request, "deals/company_detail.html", context)
