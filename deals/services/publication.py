"""Publication moves: submit for review, publish, withdraw, return to draft.

All records move or none: every refusal (rights, missing citations) is listed,
record by record, in one ``PublicationRefused``. Each row is saved normally so
its history, tombstones and the derived-view refresh follow.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from ..models import Agreement, Amount, Deal, Event, Publication
from ..publishing import label, uncited
from . import rights
from .base import UNCITED, unit


class PublicationRefused(ValidationError):
    """A state change that may not happen; ``messages`` says why, record by record."""


def belonging_to(record, state: str) -> list:
    """What moves along with ``record`` to ``state``.

    Submitting or publishing a deal carries its agreements, amounts and events (and
    an agreement's amounts and events) that are one step behind: drafts are
    submitted with it, records in review are published with it. Withdrawing or
    returning to draft moves the record alone.
    """
    behind = {
        Publication.IN_REVIEW: Publication.DRAFT,
        Publication.PUBLISHED: Publication.IN_REVIEW,
    }
    if state not in behind or not isinstance(record, Deal | Agreement):
        return []
    if isinstance(record, Deal):
        children = [
            Agreement.objects.filter(deal=record),
            Amount.objects.filter(deal=record),
            Event.objects.filter(Q(deal=record) | Q(agreement__deal=record)),
        ]
    else:
        children = [Amount.objects.filter(agreement=record), Event.objects.filter(agreement=record)]
    return [row for queryset in children for row in queryset.filter(publication=behind[state])]


def change_publication(actor, records, state: str, *, path=None) -> list:
    """Move ``records`` (and what belongs to them, see ``belonging_to``) to ``state``.

    Raises ``PublicationRefused`` listing every record that may not move; returns
    the records moved.
    """
    moving, seen = [], set()
    for record in records:
        for row in [record, *belonging_to(record, state)]:
            key = (type(row), row.pk)
            if key not in seen and row.publication != state:
                seen.add(key)
                moving.append(row)
    problems = []
    for row in moving:
        try:
            rights.check_may_set_publication(actor, row, state)
        except PermissionDenied as exc:
            problems.append(f"{label(row)}: {exc}")
    if state == Publication.PUBLISHED:
        problems += [f"{label(row)}: {UNCITED}" for row in uncited(moving)]
    if problems:
        raise PublicationRefused(problems)
    with unit(actor, path):
        for row in moving:
            row.publication = state
            row.save(update_fields=["publication", "updated_at"])
    return moving
