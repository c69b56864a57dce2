"""The timeline's entries as HTML, built in Python.

A page shows fifty entries; rendered through an included template each, they
cost more than everything else on the page (about 40 ms of a 60 ms answer on
100k agreements). The markup is the one the template had; the interface
strings are the same messages, so the Russian catalogue still applies.
"""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Publication
from .templatetags.portal import big_money, localized, stake


class _Urls:
    """Record URLs from one ``reverse`` per view (slugs are URL-safe already)."""

    def __init__(self):
        self._prefix = {}

    def __call__(self, name: str, slug: str) -> str:
        if name not in self._prefix:
            self._prefix[name] = reverse(name, args=["0"])[:-2]
        return f"{self._prefix[name]}{slug}/"


def _when(e, tag: str, record) -> SafeString:
    draft = ""
    if record.publication != Publication.PUBLISHED:
        draft = format_html(' <span class="draft">{}</span>', record.get_publication_display())
    return format_html(
        '<p class="when"><time datetime="{}">{}</time> · <span class="tag">{}</span>{}</p>',
        e.date.iso, str(e.date), tag, draft,
    )  # fmt: skip


def _agreement(e, url) -> SafeString:
    a = e.obj
    deal_url = url("deal-detail", a.deal.slug)
    parties = list(a.parties.all())
    meta = ""
    if parties:
        meta = format_html(
            '<p class="meta">{}</p>',
            format_html_join(
                "; ",
                '<a href="{}">{}</a> ({}{})',
                (
                    (
                        url("company-detail", p.company.slug),
                        localized(p.company),
                        p.get_role_display(),
                        f", {stake(p.stake)}" if p.stake is not None else "",
                    )
                    for p in parties
                ),
            ),
        )
    return format_html(
        '<article class="entry agreement">{}<h3><a href="{}#agreement-{}">{}</a></h3>'
        '<p>{}, {} · {}: <a href="{}">{}</a></p>{}</article>',
        _when(e, _("Agreement"), a), deal_url, a.pk, a.title, a.get_kind_display(),
        a.get_status_display(), _("Deal"), deal_url, localized(a.deal), meta,
    )  # fmt: skip


def _amount(e, url) -> SafeString:
    m = e.obj
    deal_url = url("deal-detail", m.deal.slug)
    investor = ""
    if m.investor:
        investor = format_html(
            ' · {} <a href="{}">{}</a>',
            _("from"), url("company-detail", m.investor.slug), localized(m.investor),
        )  # fmt: skip
    restates = format_html(" · {}", _("restates an earlier figure")) if m.restates_id else ""
    return format_html(
        '<article class="entry amount">{}<h3><a href="{}#amount-{}">{} {}</a>'
        ' <span class="meta">{}</span></h3><p>{}: <a href="{}">{}</a>{}{}</p></article>',
        _when(e, _("Money"), m), deal_url, m.pk, m.get_qualifier_display(),
        big_money(m.value, m.currency), m.get_kind_display(), _("Deal"), deal_url,
        localized(m.deal), investor, restates,
    )  # fmt: skip


def _event(e, url) -> SafeString:
    ev = e.obj
    end = format_html("–{}", str(ev.end)) if ev.end else ""
    description = format_html("<p>{}</p>", ev.description) if ev.description else ""
    deal = ""
    if ev.deal:
        deal = format_html(
            '<p class="meta">{}: <a href="{}">{}</a></p>',
            _("Deal"), url("deal-detail", ev.deal.slug), localized(ev.deal),
        )  # fmt: skip
    return format_html(
        '<article class="entry event"><p class="when"><time datetime="{}">{}</time>{} · '
        '<span class="tag">{}</span> · {}</p><h3>{}</h3>{}{}</article>',
        e.date.iso, str(e.date), end, _("Event"), ev.get_kind_display(), ev.title,
        description, deal,
    )  # fmt: skip


RENDER = {"agreement": _agreement, "amount": _amount, "event": _event}


def render_groups(groups) -> SafeString:
    """Month (or year) sections with their entries, or the empty-result message."""
    if not groups:
        return format_html("<p>{}</p>", _("Nothing matches these filters."))
    url = _Urls()
    sections = []
    for number, group in enumerate(groups, start=1):
        entries = mark_safe("\n".join(RENDER[e.kind](e, url) for e in group.entries))
        sections.append(
            format_html(
                '<section class="month" aria-labelledby="g{}">\n<h2 id="g{}">{}</h2>\n{}\n'
                "</section>",
                number,
                number,
                group.label,
                entries,
            )  # fmt: skip
        )
    return mark_safe("\n".join(sections))
