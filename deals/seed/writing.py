"""The seed loader's writes, through the service layer as the system (``actor=None``).

A record is written only when it is new or still exactly as the loader last wrote it
(see ``snapshot``), so replacing its links, parties and citations with the dataset's
never removes an editor's addition.
"""

from __future__ import annotations

from django.db import models

from deals.models import AgreementParty, Source
from deals.services import check_now, delete, save
from deals.services.agreements import replace_parties
from deals.services.citations import replace_citations
from deals.services.sources import replace_relations
from deposits.models import DepositCommodity


def save_record(obj: models.Model, changed: bool, links: dict[str, list]) -> None:
    """Save ``obj`` when its fields ``changed`` or its many-to-many ``links`` differ."""
    m2m = {
        name: wanted
        for name, wanted in links.items()
        if obj.pk is None
        or set(getattr(obj, name).values_list("pk", flat=True)) != {o.pk for o in wanted}
    }
    if changed or m2m:
        save(None, obj, m2m=m2m)


def set_deposit_commodities(deposit, wanted: dict[int, str]) -> None:
    """``wanted``: commodity pk → role."""
    links = {link.commodity_id: link for link in DepositCommodity.objects.filter(deposit=deposit)}
    for commodity_id, role in wanted.items():
        link = links.pop(commodity_id, None) or DepositCommodity(
            deposit=deposit, commodity_id=commodity_id
        )
        if link.pk is None or link.role != role:
            link.role = role
            save(None, link)
    for link in links.values():
        delete(None, link)


def set_parties(agreement, wanted: list[dict]) -> None:
    """Make the agreement's parties (and their citations) exactly ``wanted``."""
    fields = ("company", "role", "stake", "held_via")
    replace_parties(None, agreement, [{k: item[k] for k in fields} for item in wanted])
    for item in wanted:
        party = AgreementParty.objects.get(
            agreement=agreement, company=item["company"], role=item["role"]
        )
        set_citations(party, item["citations"])


def set_citations(obj: models.Model, wanted: set[tuple[int, str, str]]) -> None:
    """Make the citations of ``obj`` exactly ``wanted`` ((source pk, quote, field))."""
    sources = Source.objects.in_bulk({source_id for source_id, _, _ in wanted})
    replace_citations(None, obj, [(sources[s], quote, field) for s, quote, field in wanted])


def set_relations(source: Source, wanted: list[tuple[str, Source]]) -> None:
    replace_relations(None, source, wanted)


def finish() -> None:
    """Run the checks spanning rows now, so that a refusal names this record."""
    check_now()
