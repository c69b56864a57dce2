"""Names that only look new: the same name in another case, script, spelling or with
invisible characters is refused, pointing at the record that already has it.

Every named record (company, deal, deposit, region, commodity) keeps the folded
form of each of its names in ``search_key`` (``minerals_portal.common.search``:
case, diacritics, Kazakh and Russian Cyrillic transliterated, spelling variants,
zero-width characters dropped). A new or renamed record whose any name folds to a
key another record of the same kind already holds is refused with a link to it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from minerals_portal.common.models import Named
from minerals_portal.common.search import fold

NAME_FIELDS = ("name", "name_ru", "name_kk", "aliases")


def check_lookalikes(record) -> None:
    if not isinstance(record, Named):
        return
    keys = {fold(name): name for name in record.all_names() if fold(name)}
    if not keys:
        return
    others = type(record)._base_manager.exclude(pk=record.pk)
    matches = Q()
    for key in keys:
        matches |= Q(search_key__contains=f"|{key}|")
    existing = others.filter(matches).first()
    if existing is None:
        return
    held = {fold(n) for n in existing.all_names()}
    name = next(keys[k] for k in keys if k in held)
    field = next((f for f in NAME_FIELDS if name in _values(getattr(record, f))), "name")
    kind = type(record)._meta.verbose_name
    message = f"“{name}” looks like the existing {kind} “{existing.name}”{_where(existing)}."
    raise ValidationError({field: [ValidationError(message, code="unique")]})  # a duplicate


def _values(value) -> list:
    return value if isinstance(value, list) else [value]


def _where(record) -> str:
    """Where to find it: its admin page (the message is shown by the admin and the API)."""
    opts = record._meta
    try:
        return f" ({reverse(f'admin:{opts.app_label}_{opts.model_name}_change', args=[record.pk])})"
    except NoReverseMatch:
        return ""
