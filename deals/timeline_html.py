"""The timeline's entries as HTML, built in Python from plain rows.

A page shows fifty entries; rendered through an included template each, they
cost more than everything else on the page, and so did ``format_html`` on a few
thousand values. Every value is escaped here with ``html.escape``, the function
Django's own ``escape`` calls. The interface strings are the same messages, so
the Russian catalogue still applies.
"""

from html import escape as esc

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from minerals_portal.common.loose_dates import LooseDate, loose

from .models import Agreement, AgreementParty, Amount, Event, Publication
from .templatetags.portal import big_money, localized_name, stake


class _Writer:
    """One page's entries: record URLs from one ``reverse`` per view, dates formatted once."""

    def __init__(self):
        self._prefix = {}
        self._dates = {}
        # Translated once per page (and outside f-strings, where makemessages looks).
        self.words = {
            "agreement": esc(_("Agreement")), "money": esc(_("Money")), "event": esc(_("Event")),
            "deal": esc(_("Deal")), "from": esc(_("from")),
            "restates": esc(_("restates an earlier figure")),
        }  # fmt: skip

    def url(self, name: str, slug: str) -> str:
        if name not in self._prefix:
            self._prefix[name] = reverse(name, args=["0"])[:-2]
        return esc(f"{self._prefix[name]}{slug}/")

    def name(self, row: dict, relation: str) -> str:
        return esc(localized_name(row, f"{relation}__"))

    @staticmethod
    def label(choices, value: str) -> str:
        """A choice's label in the interface language, escaped."""
        return esc(str(choices(value).label))

    def date(self, date: LooseDate) -> str:
        """``<time>`` for a loose date; a page repeats few dates, so each is formatted once."""
        if date not in self._dates:
            self._dates[date] = f'<time datetime="{date.iso()}">{esc(str(date))}</time>'
        return self._dates[date]

    def when(self, e, tag: str, record: dict) -> str:
        """The date line; ``tag`` is escaped already."""
        draft = ""
        if record["publication"] != Publication.PUBLISHED:
            draft = f' <span class="draft">{self.label(Publication, record["publication"])}</span>'
        tag = f'<span class="tag">{tag}</span>'
        return f'<p class="when">{self.date(e.date)} · {tag}{draft}</p>'

    def agreement(self, e) -> str:
        a = e.obj
        deal_url = self.url("deal-detail", a["deal__slug"])
        meta = ""
        if a["parties"]:
            parties = "; ".join(
                f'<a href="{self.url("company-detail", p["company__slug"])}">'
                f"{self.name(p, 'company')}</a> ({self.label(AgreementParty.Role, p['role'])}"
                f"{esc(', ' + stake(p['stake'])) if p['stake'] is not None else ''})"
                for p in a["parties"]
            )
            meta = f'<p class="meta">{parties}</p>'
        kind, status = (
            self.label(Agreement.Kind, a["kind"]),
            self.label(Agreement.Status, a["status"]),
        )
        return (
            f'<article class="entry agreement">{self.when(e, self.words["agreement"], a)}'
            f'<h3><a href="{deal_url}#agreement-{a["pk"]}">{esc(a["title"])}</a></h3>'
            f"<p>{kind}, {status} · {self.words['deal']}: "
            f'<a href="{deal_url}">{self.name(a, "deal")}</a></p>{meta}</article>'
        )

    def amount(self, e) -> str:
        m = e.obj
        deal_url = self.url("deal-detail", m["deal__slug"])
        investor = ""
        if m["investor__slug"]:
            investor_url = self.url("company-detail", m["investor__slug"])
            investor = (
                f' · {self.words["from"]} <a href="{investor_url}">{self.name(m, "investor")}</a>'
            )
        restates = f" · {self.words['restates']}" if m["restates_id"] else ""
        qualifier = self.label(Amount.Qualifier, m["qualifier"])
        return (
            f'<article class="entry amount">{self.when(e, self.words["money"], m)}'
            f'<h3><a href="{deal_url}#amount-{m["pk"]}">{qualifier} '
            f"{esc(big_money(m['value'], m['currency']))}</a>"
            f' <span class="meta">{self.label(Amount.Kind, m["kind"])}</span></h3>'
            f'<p>{self.words["deal"]}: <a href="{deal_url}">{self.name(m, "deal")}</a>'
            f"{investor}{restates}</p></article>"
        )

    def event(self, e) -> str:
        ev = e.obj
        end = loose(ev["end_on"], ev["end_on_precision"])
        end = f"–{esc(str(end))}" if end else ""
        description = f"<p>{esc(ev['description'])}</p>" if ev["description"] else ""
        deal = ""
        if ev["deal__slug"]:
            deal = (
                f'<p class="meta">{self.words["deal"]}: '
                f'<a href="{self.url("deal-detail", ev["deal__slug"])}">{self.name(ev, "deal")}'
                "</a></p>"
            )
        return (
            f'<article class="entry event"><p class="when">{self.date(e.date)}{end} · '
            f'<span class="tag">{self.words["event"]}</span> · {self.label(Event.Kind, ev["kind"])}'
            f"</p><h3>{esc(ev['title'])}</h3>{description}{deal}</article>"
        )


def render_groups(groups) -> SafeString:
    """Month (or year) sections with their entries, or the empty-result message."""
    if not groups:
        nothing = _("Nothing matches these filters.")
        return mark_safe(f"<p>{esc(nothing)}</p>")
    writer = _Writer()
    render = {"agreement": writer.agreement, "amount": writer.amount, "event": writer.event}
    sections = []
    for number, group in enumerate(groups, start=1):
        entries = "\n".join(render[e.kind](e) for e in group.entries)
        sections.append(
            f'<section class="month" aria-labelledby="g{number}">\n'
            f'<h2 id="g{number}">{esc(group.label)}</h2>\n{entries}\n</section>'
        )
    return mark_safe("\n".join(sections))
