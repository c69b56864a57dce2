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
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, CharField, F, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from deposits.models import Commodity, Deposit
from minerals_portal.api.caching import data_version
from minerals_portal.common.loose_dates import LooseDate
from minerals_portal.common.search import fold

from .filtersets import (
    AgreementFilterSet,
    AmountFilterSet,
    EventFilterSet,
    with_usd,
)
from .models import (
    Agreement,
    AgreementParty,
    Amount,
    Company,
    Event,
    TimelineTotals,
)
from .templatetags.portal import localized_name
from .visibility import shows_drafts, visible

PAGE_SIZE = 50


class NamedRecordField(forms.CharField):
    """A deposit or company typed by slug or by any of its names, in any script.

    A text box rather than a list: a list of thousands of companies is neither
    usable nor cheap to render.
    """

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(max_length=200, **kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        found = self.model.objects.filter(slug=value).first()
        if found is None:
            key = fold(value)
            matches = list(self.model.objects.filter(search_key__contains=f"|{key}|")[:2])
            if len(matches) != 1:
                matches = list(self.model.objects.filter(search_key__contains=key)[:2])
            found = matches[0] if len(matches) == 1 else None
        if found is None:
            raise forms.ValidationError(
                _("No single %(kind)s matches “%(value)s”.")
                % {"kind": self.model._meta.verbose_name, "value": value}
            )
        return found


class TimelineFilterForm(forms.Form):
    """The timeline's filters; every value lives in the URL so a view can be shared."""

    deposit = NamedRecordField(
        Deposit, required=False, label=_("Deposit"), help_text=_("name in any script")
    )
    company = NamedRecordField(
        Company, required=False, label=_("Company"), help_text=_("name in any script")
    )
    include_subsidiaries = forms.BooleanField(required=False, label=_("with subsidiaries"))
    commodity = forms.ChoiceField(required=False, label=_("Commodity"))
    country = forms.CharField(
        required=False, max_length=60, label=_("Host country"),
        help_text=_("ISO code, e.g. KZ"),
    )  # fmt: skip
    kind = forms.ChoiceField(
        choices=[("", _("any kind"))] + list(Agreement.Kind.choices), required=False,
        label=_("Agreement kind"),
    )  # fmt: skip
    status = forms.ChoiceField(
        choices=[("", _("any status"))] + list(Agreement.Status.choices), required=False,
        label=_("Agreement status"),
    )  # fmt: skip
    date_from = forms.CharField(required=False, label=_("From"), help_text="YYYY, YYYY-MM, …")
    date_to = forms.CharField(required=False, label=_("To"), help_text="YYYY, YYYY-MM, …")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once per form (a model choice field reads them again to render), named in
        # the interface language.
        commodities = Commodity.objects.order_by("name").values("slug", "name", "name_ru",
                                                                "name_kk")  # fmt: skip
        self.fields["commodity"].choices = [("", _("any commodity"))] + [
            (row["slug"], localized_name(row)) for row in commodities
        ]

    def clean_country(self):
        value = self.cleaned_data["country"].strip().upper()
        if value and (len(value) != 2 or not value.isalpha()):
            raise forms.ValidationError(_("Use a two-letter ISO country code such as KZ."))
        return value

    def _loose(self, name) -> LooseDate | None:
        value = self.cleaned_data[name].strip()
        if not value:
            return None
        try:
            return LooseDate.parse(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_date_from(self):
        return self._loose("date_from")

    def clean_date_to(self):
        return self._loose("date_to")

    def has_filters(self) -> bool:
        return any(value not in (None, "", False) for value in self.cleaned_data.values())

    def params(self) -> dict[str, str]:
        """The filters shared by the three filter sets, in their own vocabulary."""
        data = self.cleaned_data
        params = {}
        for name in ("deposit", "company"):
            if data.get(name):
                params[name] = data[name].slug
        if data.get("commodity"):
            params["commodity"] = data["commodity"]
        if data.get("include_subsidiaries"):
            params["include_subsidiaries"] = "true"
        if data.get("country"):
            params["country"] = data["country"]
        return params


def _period_end(value: LooseDate) -> dt.date:
    if value.precision == "year":
        return dt.date(value.date.year, 12, 31)
    if value.precision == "month":
        nxt = dt.date(value.date.year + value.date.month // 12, value.date.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return value.date


@dataclass
class Entry:
    kind: str  # agreement | amount | event
    obj: object
    date: LooseDate


@dataclass
class Group:
    label: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Timeline:
    """The filter form and, read only when the page renders them (not when the page's
    cached HTML is used), the counts, the committed total and the page's entries."""

    form: TimelineFilterForm
    cache_key: str = ""  # empty while the filters are invalid
    read: Callable[[], tuple] | None = None
    page_number: str | None = None

    @functools.cached_property
    def _figures(self) -> tuple:
        return self.read() if self.read else (0, [], Decimal(0), 0)

    @property
    def count(self) -> int:
        return self._figures[0]

    @property
    def committed_usd(self) -> Decimal:
        return self._figures[2]

    @property
    def undated_agreements(self) -> int:
        return self._figures[3]

    @functools.cached_property
    def page(self):
        return Paginator(range(self.count), PAGE_SIZE).get_page(self.page_number)

    @functools.cached_property
    def groups(self) -> list[Group]:
        return _groups(self._figures[1])


def _filtered(request, form: TimelineFilterForm):
    """The three filtered querysets (agreements, amounts, events) for a valid form."""
    drafts = shows_drafts(request)
    params = form.params()
    agreements = visible(Agreement.objects.all(), drafts)
    amounts = visible(Amount.objects.all(), drafts)
    events = visible(Event.objects.all(), drafts)
    if params:  # building the filter sets costs milliseconds; none are needed without filters
        agreements = AgreementFilterSet(params, queryset=agreements, request=request).qs
        amounts = AmountFilterSet(params, queryset=amounts, request=request).qs
        events = EventFilterSet(params, queryset=events, request=request).qs
    kind, status = form.cleaned_data.get("kind"), form.cleaned_data.get("status")
    if kind or status:
        agreement_filter = {k: v for k, v in (("kind", kind), ("status", status)) if v}
        agreements = agreements.filter(**agreement_filter)
        amounts = amounts.filter(agreement__in=agreements.values("pk"))
        events = events.filter(agreement__in=agreements.values("pk"))
    agreements = agreements.annotate(
        d=Coalesce("signed_on", "announced_on"),
        p=Case(
            When(signed_on__isnull=False, then=F("signed_on_precision")),
            default=F("announced_on_precision"),
            output_field=CharField(),
        ),
    )
    amounts = amounts.annotate(d=F("as_of"), p=F("as_of_precision"))
    events = events.annotate(d=F("on"), p=F("on_precision"))
    start, end = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
    if start:
        agreements, amounts, events = (q.filter(d__gte=start.date) for q in (agreements, amounts,
                                                                              events))  # fmt: skip
    if end:
        last = _period_end(end)
        agreements, amounts, events = (q.filter(d__lte=last) for q in (agreements, amounts,
                                                                        events))  # fmt: skip
    return agreements, amounts, events


def committed_total(amounts) -> Decimal:
    """USD sum of investment commitments, each restated figure counted once (the latest)."""
    latest = amounts.filter(kind=Amount.Kind.INVESTMENT_COMMITMENT).exclude(
        pk__in=amounts.filter(restates__isnull=False).values("restates_id")
    )
    total = with_usd(latest).aggregate(total=Sum("usd_value"))["total"]
    return total or Decimal(0)


def timeline(request, data) -> Timeline:
    form = TimelineFilterForm(data)  # always bound: no parameters means no filters
    if not form.is_valid():
        return Timeline(form=form)
    version = data_version(published_only=not shows_drafts(request))[0]
    page_number = request.GET.get("page")
    return Timeline(
        form=form, cache_key=_cache_key(request, version), page_number=page_number,
        read=functools.partial(_compute, request, form, page_number, version),
    )  # fmt: skip


def _cache_key(request, version: str) -> str:
    """Keyed on the data fingerprint the API uses too: any change visible to this reader
    (and only those) makes a fresh page. The query string is taken as typed: the page
    shows it back in the filter form."""
    raw = repr((version, shows_drafts(request), sorted(request.GET.lists())))
    return hashlib.sha256(raw.encode()).hexdigest()


def _dated(agreements, amounts, events) -> dict:
    return {
        "agreement": agreements.filter(d__isnull=False),
        "amount": amounts.filter(d__isnull=False),
        "event": events.filter(d__isnull=False),
    }


STORED_PAGES = 5  # the unfiltered timeline's first pages are kept by the refresh


def public_totals() -> dict:
    """The unfiltered public timeline's counts, committed total and first pages' entries.

    Stored as ``TimelineTotals`` by the derived-view refresh.
    """
    form = TimelineFilterForm({})
    form.is_valid()
    agreements, amounts, events = _filtered(None, form)
    parts = _dated(agreements, amounts, events)
    counts = {tag: qs.count() for tag, qs in parts.items()}
    newest = _newest(parts, counts, STORED_PAGES * PAGE_SIZE)
    return {
        "agreements": counts["agreement"],
        "amounts": counts["amount"],
        "events": counts["event"],
        "undated_agreements": agreements.filter(d__isnull=True).count(),
        "committed_usd": committed_total(amounts),
        "newest": [[tag, pk, _as_date(d).isoformat(), p] for tag, pk, d, p in newest],
    }


def _stored_totals(request, form, version: str):
    """The refresh's counts if they describe exactly this data (unfiltered, public)."""
    if form.has_filters() or shows_drafts(request):
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


def _compute(request, form, page_number, version: str):
    """Counts, the page's (kind, id, date, precision) rows, committed total, undated count.

    The unfiltered public timeline takes all of it from ``TimelineTotals`` while that
    describes the live data (its first pages included); anything else is read live.
    """
    stored = _stored_totals(request, form, version)
    if stored is not None:
        counts = {"agreement": stored.agreements, "amount": stored.amounts,
                  "event": stored.events}  # fmt: skip
        undated, committed = stored.undated_agreements, stored.committed_usd
    else:
        agreements, amounts, events = _filtered(request, form)
        parts = _dated(agreements, amounts, events)
        counts = {tag: qs.count() for tag, qs in parts.items()}
        undated = agreements.filter(d__isnull=True).count()
        committed = committed_total(amounts)
    paginator = Paginator(range(sum(counts.values())), PAGE_SIZE)
    page = paginator.get_page(page_number)
    wanted = page.number * PAGE_SIZE
    if stored is not None and min(wanted, paginator.count) <= len(stored.newest):
        rows = stored.newest
    else:
        if stored is not None:
            parts = _dated(*_filtered(request, form))
        rows = _newest(parts, counts, wanted)
    shown = rows[page.start_index() - 1 : page.end_index()]
    page_rows = [(tag, pk, _as_date(d), p) for tag, pk, d, p in shown]
    return paginator.count, page_rows, committed or Decimal(0), undated


def _as_date(day) -> dt.date:
    if isinstance(day, str):  # a row of TimelineTotals.newest (JSON keeps dates as text)
        return dt.date.fromisoformat(day[:10])
    return day


def _as_ordinal(day) -> int:
    return _as_date(day).toordinal()


_NAMES = ("slug", "name", "name_ru", "name_kk")


def _named(relation: str) -> list[str]:
    return [f"{relation}__{column}" for column in _NAMES]


def _load(rows) -> dict[str, dict[int, dict]]:
    """The shown records as plain rows with their related names, in four queries.

    Plain rows, not model instances: building a few hundred instances (records,
    deals, parties, companies) cost more than the queries themselves.
    """
    ids = {"agreement": [], "amount": [], "event": []}
    for tag, pk, _d, _p in rows:
        ids[tag].append(pk)
    loaded = {tag: {} for tag in ids}
    if ids["agreement"]:
        agreements = Agreement.objects.filter(pk__in=ids["agreement"]).order_by()
        for row in agreements.values(
            "pk", "title", "kind", "status", "publication", *_named("deal")
        ):
            loaded["agreement"][row["pk"]] = {**row, "parties": []}
        parties = AgreementParty.objects.filter(agreement__in=ids["agreement"])
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
            "pk", "title", "kind", "description", "end_on", "end_on_precision", *_named("deal")
        ):
            loaded["event"][row["pk"]] = row
    return loaded


def _groups(rows) -> list[Group]:
    objects = _load(rows)
    groups: list[Group] = []
    period = None
    for tag, pk, day, precision in rows:
        if isinstance(day, str):
            day = dt.date.fromisoformat(day[:10])
        date = LooseDate(day, precision)
        this = (day.year,) if precision == "year" else (day.year, day.month)
        if this != period:  # a section per month (or year); formatting the label costs
            period = this
            label = str(day.year) if len(this) == 1 else str(LooseDate(day.replace(day=1), "month"))
            if not groups or groups[-1].label != label:
                groups.append(Group(label))
        groups[-1].entries.append(Entry(tag, objects[tag][pk], date))
    return groups


__all__ = ["PAGE_SIZE", "Timeline", "TimelineFilterForm", "committed_total", "timeline"]
