"""Reads shared by the analyst pages: the filtered timeline and its committed total.

The timeline merges agreements, amounts and events into one date-ordered list.
Page *n* needs at most the first *n* × page-size entries of each kind, so each
kind is read newest-first down its date index and the three short lists are
merged here: no sort of every row, whatever the size of the tables. A page then
loads its records in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from minerals_portal.api.caching import data_version
from minerals_portal.common.loose_dates import REPORTED

from .counting import Totals, totals
from .filtersets import TimelineFilterSet
from .models import Agreement, Citation, TimelineTotals
from .timeline_entries import Group, groups
from .visibility import shows_drafts

PAGE_SIZE = 50


@dataclass
class Timeline:
    """The filters and, read only when the page renders them (not when the page's
    cached HTML is used), the counts, the committed total and the page's entries."""

    filters: TimelineFilterSet
    cache_key: str = ""  # empty while the filters are invalid
    read: Callable[[], tuple] | None = None
    page_number: str | None = None

    @functools.cached_property
    def _figures(self) -> tuple:
        return self.read() if self.read else (0, [], Totals(), 0)

    @property
    def count(self) -> int:
        return self._figures[0]

    @property
    def totals(self) -> Totals:
        """The selection's money by the one counting rule (``deals.counting``)."""
        return self._figures[2]

    @property
    def committed_usd(self) -> Decimal:
        return self.totals.committed

    @property
    def undated_agreements(self) -> int:
        return self._figures[3]

    @functools.cached_property
    def page(self):
        return Paginator(range(self.count), PAGE_SIZE).get_page(self.page_number)

    @functools.cached_property
    def groups(self) -> list[Group]:
        return groups(self._figures[1], self.filters.show_drafts)

    @property
    def form(self):
        return self.filters.form


def _filtered(filters: TimelineFilterSet):
    """The filtered agreements, amounts and events, each with its timeline date ``d``
    and that date's precision ``p``."""
    kinds = filters.querysets()
    agreements = kinds["agreement"].annotate(
        d=Coalesce("signed_on", "announced_on"),
        p=Case(
            When(signed_on__isnull=False, then=F("signed_on_precision")),
            default=F("announced_on_precision"),
            output_field=CharField(),
        ),
    )
    amounts = kinds["amount"].annotate(d=F("as_of"), p=F("as_of_precision"))
    events = kinds["event"].annotate(d=F("on"), p=F("on_precision"))
    return agreements, amounts, events


def counted_totals(filters: TimelineFilterSet) -> Totals:
    """The selection's money by the one rule: amounts chosen by every filter, the date
    range applied to the date each commitment was first made (``#first-made``)."""
    return totals(filters.querysets(counting=True)["amount"], filters.show_drafts)


def _stored(totals_row) -> Totals:
    unconverted = {
        bucket: [(currency, Decimal(value)) for currency, value in pairs]
        for bucket, pairs in (totals_row.unconverted or {}).items()
    }
    return Totals(
        committed=totals_row.committed_usd, lapsed=totals_row.lapsed_usd, unconverted=unconverted
    )


def timeline(request, data) -> Timeline:
    # Always bound: no parameters means no filters.
    filters = TimelineFilterSet(data, queryset=TimelineFilterSet._meta.model.objects.none(),
                                request=request)  # fmt: skip
    if not filters.is_valid():
        return Timeline(filters=filters)
    version = data_version(published_only=not shows_drafts(request))[0]
    page_number = request.GET.get("page")
    return Timeline(
        filters=filters, cache_key=_cache_key(request, version), page_number=page_number,
        read=functools.partial(_compute, request, filters, page_number, version),
    )  # fmt: skip


def _cache_key(request, version: str) -> str:
    """Keyed on the data fingerprint the API uses too: any change visible to this reader
    (and only those) makes a fresh page. The query string is taken as typed: the page
    shows it back in the filter form."""
    raw = repr((version, shows_drafts(request), sorted(request.GET.lists())))
    return hashlib.sha256(raw.encode()).hexdigest()


def _dated(agreements, amounts, events) -> dict:
    """The timeline's parts: dated records down their date indexes, and agreements with
    no stated date at the date they were first reported (``reported``, few rows)."""
    return {
        "agreement": agreements.filter(d__isnull=False),
        "amount": amounts.filter(d__isnull=False),
        "event": events.filter(d__isnull=False),
        REPORTED: _reported(agreements),
    }


# REPORTED: the tag and precision of an undated agreement's entry (an amount dated only by
# its report has that precision too).


def _first_reported():
    """The publication date of the earliest source citing the agreement."""
    cited = Citation.objects.filter(
        content_type=ContentType.objects.get_for_model(Agreement), object_id=OuterRef("pk")
    )
    return Subquery(cited.order_by("source__published").values("source__published")[:1])


def _reported(agreements):
    return (
        agreements.filter(d__isnull=True)
        .annotate(d_reported=_first_reported())
        .filter(d_reported__isnull=False)
        .annotate(d=F("d_reported"), p=Value(REPORTED, output_field=CharField()))
    )


def _undated(agreements) -> int:
    """Agreements with neither a stated date nor a citing source: not on the timeline."""
    return (
        agreements.filter(d__isnull=True)
        .annotate(r=_first_reported())
        .filter(r__isnull=True)
        .count()
    )


STORED_PAGES = 5  # the unfiltered timeline's first pages are kept by the refresh


def public_totals() -> dict:
    """The unfiltered public timeline's counts, committed total and first pages' entries.

    Stored as ``TimelineTotals`` by the derived-view refresh.
    """
    filters = TimelineFilterSet({}, queryset=TimelineFilterSet._meta.model.objects.none())
    filters.is_valid()
    agreements, amounts, events = _filtered(filters)
    parts = _dated(agreements, amounts, events)
    counts = {tag: qs.count() for tag, qs in parts.items()}
    newest = _newest(parts, counts, STORED_PAGES * PAGE_SIZE)
    money = counted_totals(filters)
    return {
        "agreements": counts["agreement"],
        "amounts": counts["amount"],
        "events": counts["event"],
        "undated_agreements": _undated(agreements),
        "reported_agreements": counts[REPORTED],
        "committed_usd": money.committed,
        "lapsed_usd": money.lapsed,
        "unconverted": {
            bucket: [[currency, str(value)] for currency, value in pairs]
            for bucket, pairs in money.unconverted.items()
        },
        "newest": [[tag, pk, _as_date(d).isoformat(), p] for tag, pk, d, p in newest],
    }


def _stored_totals(request, filters: TimelineFilterSet, version: str):
    """The refresh's counts if they describe exactly this data (unfiltered, public)."""
    if filters.chosen() or shows_drafts(request):
        return None
    return TimelineTotals.objects.filter(data_version=version).first()


def _newest(parts: dict, counts: dict, wanted: int) -> list[tuple]:
    """The first ``wanted`` (kind, id, date, precision) rows of the timeline, newest first.

    One round trip (a UNION, each part with its own LIMIT): each kind's newest rows
    come down its own date index; the three short lists are merged here.
    """
    newest = [
        qs.annotate(tag=Value(tag, output_field=CharField()))
        .order_by("-d", "-pk")
        .values_list("tag", "pk", "d", "p")[:wanted]
        for tag, qs in parts.items()
        if counts[tag]
    ]
    rows = list(newest[0].union(*newest[1:], all=True)) if newest else []
    rows.sort(key=lambda r: (-_as_ordinal(r[2]), r[0], -r[1]))
    return rows[:wanted]


def _compute(request, filters: TimelineFilterSet, page_number, version: str):
    """Counts, the page's (kind, id, date, precision) rows, committed total, undated count.

    The unfiltered public timeline takes all of it from ``TimelineTotals`` while that
    describes the live data (its first pages included); anything else is read live.
    """
    stored = _stored_totals(request, filters, version)
    if stored is not None:
        counts = {"agreement": stored.agreements, "amount": stored.amounts,
                  "event": stored.events, REPORTED: stored.reported_agreements}  # fmt: skip
        undated, money = stored.undated_agreements, _stored(stored)
    else:
        agreements, amounts, events = _filtered(filters)
        parts = _dated(agreements, amounts, events)
        counts = {tag: qs.count() for tag, qs in parts.items()}
        undated = _undated(agreements)
        money = counted_totals(filters)
    paginator = Paginator(range(sum(counts.values())), PAGE_SIZE)
    page = paginator.get_page(page_number)
    wanted = page.number * PAGE_SIZE
    if stored is not None and min(wanted, paginator.count) <= len(stored.newest):
        rows = stored.newest
    else:
        if stored is not None:
            parts = _dated(*_filtered(filters))
        rows = _newest(parts, counts, wanted)
    shown = rows[page.start_index() - 1 : page.end_index()]
    page_rows = [(tag, pk, _as_date(d), p) for tag, pk, d, p in shown]
    return paginator.count, page_rows, money, undated


def all_groups(filters: TimelineFilterSet, limit: int) -> list[Group]:
    """The first ``limit`` entries of the (valid) filtered timeline, newest first, in a
    fixed number of queries: for downloads and feeds."""
    parts = _dated(*_filtered(filters))
    counts = {tag: qs.count() for tag, qs in parts.items()}
    rows = _newest(parts, counts, limit)
    return groups([(tag, pk, _as_date(d), p) for tag, pk, d, p in rows], filters.show_drafts)


def _as_date(day) -> dt.date:
    if isinstance(day, str):  # a row of TimelineTotals.newest (JSON keeps dates as text)
        return dt.date.fromisoformat(day[:10])
    return day


def _as_ordinal(day) -> int:
    return _as_date(day).toordinal()


__all__ = ["PAGE_SIZE", "Timeline", "all_groups", "counted_totals", "timeline"]
