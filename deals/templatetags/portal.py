"""Template helpers for the analyst pages: localized names, money, dates, footnotes."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minerals_portal.common.models import plain_number

register = template.Library()


def _in_language(get, field: str) -> str:
    """``field`` in the interface language (``{field}_ru`` …) where it is filled, else as is.

    The one rule for names, titles, summaries and descriptions: English is the
    canonical column, other languages sit beside it with their code as suffix.
    """
    lang = (get_language() or "en")[:2]
    value = get(f"{field}_{lang}") if lang != "en" else ""
    return value or get(field) or ""


@register.filter
def localized(obj) -> str:
    """The record's name in the interface language where a localized name exists."""
    return _in_language(lambda name: getattr(obj, name, ""), "name") or str(obj)


@register.filter
def localized_text(obj, field: str) -> str:
    """``obj.<field>`` (a title, summary, description) in the interface language."""
    return _in_language(lambda name: getattr(obj, name, ""), field)


def localized_name(row: dict, prefix: str = "") -> str:
    """As ``localized``, for a row of values (``{prefix}name``, ``{prefix}name_ru`` …)."""
    return _in_language(row.get, f"{prefix}name")


def localized_value(row: dict, field: str) -> str:
    """As ``localized_text``, for a row of values."""
    return _in_language(row.get, field)


@register.filter
def other_name(obj) -> str:
    """The record's name in the other language, when it differs from the one shown."""
    shown = localized(obj)
    for name in (getattr(obj, "name_ru", ""), getattr(obj, "name", "")):
        if name and name != shown:
            return name
    return ""


@register.filter
def big_money(value, currency="USD") -> str:
    """1100000000 → "USD 1.1 bn" ("USD 1,1 млрд" in Russian); 900000000 → "USD 900 m"."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    for size, unit in ((Decimal(10**9), _("bn")), (Decimal(10**6), _("m"))):
        if abs(value) >= size:
            return f"{currency} {local_number(round(value / size, 2))} {unit}"
    return f"{currency} {number_format(value, 0, force_grouping=True)}"


def local_number(value) -> str:
    """A Decimal without trailing zeros, with the interface language's decimal mark."""
    return number_format(Decimal(plain_number(value)), force_grouping=True)


@register.filter
def stake(value) -> str:
    return "" if value is None else f"{local_number(value)} %"


@register.inclusion_tag("deals/_cite.html")
def cite(sources, obj, field=""):
    """Footnote links to the citations of ``obj`` (optionally only those of one field)."""
    if sources is None or obj is None:
        return {"citations": []}
    return {
        "citations": list(
            {  # one footnote per sentence, however many fields it supports
                c.number: c for c in sources.for_object(obj) if not field or c.field in ("", field)
            }.values()
        )
    }


@register.inclusion_tag("deals/_counted.html")
def counted(totals, bucket="committed"):
    """A total by the counting rule, what could not be converted and what lapsed beside it,
    each linked to the rule on the method page."""
    return {
        "value": getattr(totals, bucket, None),
        "unconverted": totals.unconverted.get(bucket, []),
        "lapsed": totals.lapsed,
        "lapsed_unconverted": totals.unconverted.get("lapsed", []),
        "show_lapsed": bucket == "committed",
    }


@register.inclusion_tag("deals/_rule_link.html")
def rule(anchor, text=""):
    """A link to one rule of the method page (``/method/#<anchor>``)."""
    return {"anchor": anchor, "text": text}


@register.filter
def stamp(value) -> str:
    """A moment in the portal's one convention: "2026-02-11 14:03 UTC+05:00" (local time)."""
    if not value:
        return "—"
    local = localtime(value)
    offset = local.strftime("%z")  # +0500
    return f"{local:%Y-%m-%d %H:%M} UTC{offset[:3]}:{offset[3:]}"
