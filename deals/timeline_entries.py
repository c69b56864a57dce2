"""The timeline page's entries: the shown rows loaded with their names, grouped by period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from minerals_portal.common.loose_dates import REPORTED, LooseDate

from .models import Agreement, AgreementParty, Amount, Citation, Event
from .visibility import visible


@dataclass
class Entry:
    kind: str  # agreement | amount | event
    obj: object
    date: LooseDate
    reported: bool = False  # dated only by its report (an undated agreement: its first one)


@dataclass
class Group:
    label: str
    entries: list[Entry] = field(default_factory=list)


_NAMES = ("slug", "name", "name_ru", "name_kk")


def _named(relation: str) -> list[str]:
    return [f"{relation}__{column}" for column in _NAMES]


def _load(rows, drafts) -> dict[str, dict[int, dict]]:
    """The shown records as plain rows with their related names, in four queries.

    Plain rows, not model instances: building a few hundred instances (records,
    deals, parties, companies) cost more than the queries themselves. Parties and
    citations are those the reader may see (``drafts``: staff).
    """
    ids = {"agreement": [], "amount": [], "event": []}
    for tag, pk, _d, _p in rows:
        ids[KIND_OF.get(tag, tag)].append(pk)
    loaded = {tag: {} for tag in ids}
    if ids["agreement"]:
        agreements = Agreement.objects.filter(pk__in=ids["agreement"]).order_by()
        for row in agreements.values(
            "pk", "title", "title_ru", "kind", "status", "publication", *_named("deal")
        ):
            loaded["agreement"][row["pk"]] = {**row, "parties": []}
        parties = visible(AgreementParty.objects.filter(agreement__in=ids["agreement"]), drafts)
        for row in parties.order_by("agreement_id", "-stake", "company__name").values(
            "agreement_id", "role", "stake", *_named("company")
        ):
            loaded["agreement"][row["agreement_id"]]["parties"].append(row)
    if ids["amount"]:
        amounts = Amount.objects.filter(pk__in=ids["amount"]).order_by()
        for row in amounts.values(
            "pk", "kind", "qualifier", "value", "currency", "publication", "restates_id",
            *_named("deal"), *_named("investor"),
        ):  # fmt: skip
            loaded["amount"][row["pk"]] = row
    if ids["event"]:
        events = Event.objects.filter(pk__in=ids["event"]).order_by()
        for row in events.values(
            "pk",
            "title",
            "title_ru",
            "kind",
            "description",
            "description_ru",
            "end_on",
            "end_on_precision",
            *_named("deal"),
        ):
            loaded["event"][row["pk"]] = {**row, "sources": []}
        cited = visible(Citation.objects.all(), drafts).filter(
            content_type=ContentType.objects.get_for_model(Event), object_id__in=ids["event"]
        )
        pairs = cited.values_list("object_id", "source__slug", "source__publisher").distinct()
        for event_id, slug, publisher in pairs.order_by("object_id", "source__publisher"):
            loaded["event"][event_id]["sources"].append({"slug": slug, "publisher": publisher})
    return loaded


# An undated agreement is shown at its first report (tag and precision "reported"); an
# amount the source dates only by its report carries the same precision.
KIND_OF = {REPORTED: "agreement"}


def groups(rows: list[tuple[str, int, dt.date, str]], drafts) -> list[Group]:
    """Month (or year) sections of the (kind, id, date, precision) rows, in their order."""
    objects = _load(rows, drafts)
    sections: list[Group] = []
    period = None
    for tag, pk, day, precision in rows:
        reported = precision == REPORTED
        tag = KIND_OF.get(tag, tag)
        date = LooseDate(day, "day" if reported else precision)
        this = (day.year,) if precision == "year" else (day.year, day.month)
        if this != period:  # a section per month (or year); formatting the label costs
            period = this
            label = str(day.year) if len(this) == 1 else str(LooseDate(day.replace(day=1), "month"))
            if not sections or sections[-1].label != label:
                sections.append(Group(label))
        sections[-1].entries.append(Entry(tag, objects[tag][pk], date, reported))
    return sections
