"""The filtered timeline as an Atom feed and as CSV/XLSX rows: what the page shows."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import feedgenerator
from django.utils.translation import gettext as _

FEED_ENTRIES = 50


def headline(e: dict) -> str:
    """An entry's title as the page shows it."""
    if e["type"] == "amount":
        return f"{e['qualifier']} {e['money']}".strip()
    return e["title"]


def _link(request, e: dict) -> str:
    if e["deal_url"]:
        return request.build_absolute_uri(f"{e['deal_url']}#{e['type']}-{e['pk']}")
    return request.build_absolute_uri(f"/#{e['type']}-{e['pk']}")


def export_headers() -> list[str]:
    return [_("Date"), _("Type"), _("Title"), _("Kind"), _("Deal"), _("Companies"), _("Link")]


def export_row(request, e: dict) -> list:
    companies = "; ".join(p["name"] for p in e.get("parties", []))
    if e["type"] == "amount":
        companies = e.get("investor", "")
    return [e["iso"], e["type"], headline(e), e["kind"], e.get("deal", ""), companies,
            _link(request, e)]  # fmt: skip


def atom(request, entries: list[dict], page_url: str, description: str) -> HttpResponse:
    """The entries as an Atom 1.0 document; ids are the entries' permanent links."""
    title = _("Kazakhstan critical-minerals deals: timeline")
    feed = feedgenerator.Atom1Feed(
        title=f"{title} ({description})" if description else title,
        link=request.build_absolute_uri(page_url),
        feed_url=request.build_absolute_uri(),
        description=description,
        language=request.LANGUAGE_CODE,
    )
    for e in entries[:FEED_ENTRIES]:
        moment = dt.datetime.combine(e["day"], dt.time(), tzinfo=dt.UTC)
        summary = e.get("description") or ", ".join(
            part for part in (e["kind"], e.get("status", ""), e.get("deal", "")) if part
        )
        feed.add_item(
            title=headline(e), link=_link(request, e), unique_id=_link(request, e),
            description=summary, pubdate=moment, updateddate=moment, categories=[e["type"]],
        )  # fmt: skip
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
