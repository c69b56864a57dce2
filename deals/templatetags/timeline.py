"""``{% timeline_entries groups %}``: the timeline's sections, rendered by a template.

The entries arrive as plain rows (see ``deals.selectors``); this tag turns each
into what the template shows (URLs, choice labels, names in the interface
language, formatted dates). URLs are made with one ``reverse`` per view and
each date is formatted once per page: a page has fifty entries and repeats few
dates, and those calls were most of the rendering time.
"""

from django import template
from django.urls import reverse

from deals.models import Agreement, AgreementParty, Amount, Event, Publication
from minerals_portal.common.loose_dates import loose

from .portal import big_money, localized_name, localized_value, stake

register = template.Library()


class _Page:
    """One page's entries as the template shows them."""

    def __init__(self):
        self._prefix: dict[str, str] = {}
        self._dates: dict = {}
        self._labels: dict = {}

    def label(self, choices, value: str) -> str:
        """A choice's label in the interface language, translated once per page."""
        if (choices, value) not in self._labels:
            self._labels[choices, value] = str(choices(value).label)
        return self._labels[choices, value]

    def url(self, view: str, slug: str) -> str:
        if view not in self._prefix:
            self._prefix[view] = reverse(view, args=["0"])[:-2]
        return f"{self._prefix[view]}{slug}/"

    def date(self, date) -> dict[str, str]:
        if date not in self._dates:
            self._dates[date] = {"iso": date.iso(), "when": str(date)}
        return self._dates[date]

    def entry(self, e) -> dict:
        row = e.obj
        # Every key the template asks for is present: a missing one costs it a slow lookup.
        shown = {"type": e.kind, "pk": row["pk"], **self.date(e.date), "deal_url": "", "draft": "",
                 "reported": e.reported}  # fmt: skip
        if row.get("deal__slug"):
            shown["deal_url"] = self.url("deal-detail", row["deal__slug"])
            shown["deal"] = localized_name(row, "deal__")
        if row.get("publication", Publication.PUBLISHED) != Publication.PUBLISHED:
            shown["draft"] = self.label(Publication, row["publication"])
        return shown | getattr(self, e.kind)(row)

    def agreement(self, row: dict) -> dict:
        parties = [
            {
                "url": self.url("company-detail", p["company__slug"]),
                "name": localized_name(p, "company__"),
                "role": self.label(AgreementParty.Role, p["role"]),
                "stake": stake(p["stake"]),
            }
            for p in row["parties"]
        ]
        return {
            "title": localized_value(row, "title"), "parties": parties,
            "kind": self.label(Agreement.Kind, row["kind"]),
            "status": self.label(Agreement.Status, row["status"]),
        }  # fmt: skip

    def amount(self, row: dict) -> dict:
        shown = {
            "qualifier": self.label(Amount.Qualifier, row["qualifier"]),
            "money": big_money(row["value"], row["currency"]),
            "kind": self.label(Amount.Kind, row["kind"]),
            "restates": row["restates_id"] is not None,
            "investor_url": "",
        }
        if row["investor__slug"]:
            shown["investor_url"] = self.url("company-detail", row["investor__slug"])
            shown["investor"] = localized_name(row, "investor__")
        return shown

    def event(self, row: dict) -> dict:
        end = loose(row["end_on"], row["end_on_precision"])
        return {
            "title": localized_value(row, "title"),
            "description": localized_value(row, "description"),
            "kind": self.label(Event.Kind, row["kind"]), "end": str(end) if end else "",
            "sources": [
                {"url": self.url("source-detail", s["slug"]), "publisher": s["publisher"]}
                for s in row["sources"]
            ],
        }  # fmt: skip


def shown_entries(groups) -> list[dict]:
    """Every entry of ``groups`` as the page shows it (for downloads and feeds)."""
    page = _Page()
    return [{**page.entry(e), "day": e.date.date} for group in groups for e in group.entries]


@register.inclusion_tag("deals/_timeline_entries.html")
def timeline_entries(groups):
    """Month (or year) sections with their entries, or the empty-result message."""
    page = _Page()
    sections = [
        {"label": group.label, "entries": [page.entry(e) for e in group.entries]}
        for group in groups
    ]
    return {"sections": sections}
