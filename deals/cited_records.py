"""The records a source's citations back, each with its name and the page that shows it.

A source page lists every fact citing it grouped by record ("Agreement: Share
purchase agreement …", linked), not "cited for amount #2". The records are read
with one query per kind of record cited (a handful), whatever their number.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from deposits.models import Commodity, Deposit, Region, ResourceEstimate

from .models import Agreement, AgreementParty, Amount, Company, Deal, Event, Ownership
from .templatetags.portal import localized


def _deal(deal, anchor: str = "") -> str:
    return reverse("deal-detail", args=[deal.slug]) + anchor if deal else ""


def _deposit_list(**query) -> str:
    return f"{reverse('deposit-list')}?{urlencode(query)}"


# model -> (related rows to read with it, its page's URL, its name on the source page)
PAGES = {
    Deal: ((), lambda o: _deal(o), localized),
    Agreement: (("deal",), lambda o: _deal(o.deal, f"#agreement-{o.pk}"), str),
    AgreementParty: (
        ("agreement__deal", "company"),
        lambda o: _deal(o.agreement.deal, f"#agreement-{o.agreement_id}"),
        lambda o: f"{localized(o.company)} — {o.agreement.title}",
    ),
    Amount: (("deal",), lambda o: _deal(o.deal, f"#amount-{o.pk}"), str),
    Event: (("deal",), lambda o: _deal(o.deal), lambda o: o.title),
    Company: ((), lambda o: reverse("company-detail", args=[o.slug]), localized),
    Ownership: (
        ("parent", "child"),
        lambda o: reverse("company-detail", args=[o.child.slug]),
        lambda o: f"{localized(o.parent)} → {localized(o.child)}",
    ),
    Deposit: ((), lambda o: reverse("deposit-detail", args=[o.slug]), localized),
    ResourceEstimate: (
        ("deposit",),
        lambda o: reverse("deposit-detail", args=[o.deposit.slug]),
        str,
    ),
    Region: ((), lambda o: _deposit_list(region=o.slug), localized),
    Commodity: ((), lambda o: _deposit_list(commodity=o.slug), localized),
}


@dataclass
class CitedRecord:
    kind: str
    name: str
    url: str
    citations: list = field(default_factory=list)


def cited_records(citations) -> list[CitedRecord]:
    """``citations`` grouped by the record each backs, in order of first citation."""
    by_target: dict[tuple[int, int], list] = defaultdict(list)
    for citation in citations:
        by_target[(citation.content_type_id, citation.object_id)].append(citation)
    ids_by_type: dict[int, list[int]] = defaultdict(list)
    for content_type_id, object_id in by_target:
        ids_by_type[content_type_id].append(object_id)
    records = {}
    for content_type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        related, url, name = PAGES.get(model, ((), lambda o: "", str))
        for obj in model._base_manager.select_related(*related).filter(pk__in=ids):
            kind = str(model._meta.verbose_name)
            records[(content_type_id, obj.pk)] = CitedRecord(kind[:1].upper() + kind[1:],
                                                             name(obj), url(obj))  # fmt: skip
    grouped = []
    for target, quotes in by_target.items():
        if target in records:  # a record deleted meanwhile backs nothing any more
            records[target].citations = quotes
            grouped.append(records[target])
    return grouped
