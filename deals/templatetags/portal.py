"""Template helpers for the analyst pages: localized names, money, dates, footnotes."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minerals_portal.common.models import plain_number

register = template.Library()


@register.filter
def localized(obj) -> str:
    """The record's name in the interface language where a localized name exists."""
    lang = (get_language() or "en")[:2]
    name = getattr(obj, f"name_{lang}", "") if lang != "en" else ""
    return name or getattr(obj, "name", "") or str(obj)


def localized_name(row: dict, prefix: str = "") -> str:
    """As ``localized``, for a row of values (``{prefix}name``, ``{prefix}name_ru`` …)."""
    lang = (get_language() or "en")[:2]
    name = row.get(f"{prefix}name_{lang}", "") if lang != "en" else ""
    return name or row[f"{prefix}name"] or ""


@register.filter
def big_money(value, currency="USD") -> str:
    """1100000000 → "USD 1.1 bn"; 900000000 → "USD 900 m"."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    for size, unit in ((Decimal(10**9), _("bn")), (Decimal(10**6), _("m"))):
        if abs(value) >= size:
            return f"{currency} {plain_number(round(value / size, 2))} {unit}"
    return f"{currency} {value:,.0f}"


@register.filter
def stake(value) -> str:
    return "" if value is None else f"{plain_number(value)} %"


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
