"""Editorial workflow: draft → in review → published (→ withdrawn), and who may move what.

* Editors may move their records between draft and in review ("submit for
  review"); they cannot publish, withdraw, or touch a published record's state.
* Publishers — superusers and the ``publisher`` group, holding ``deals.publish``
  — may set any state.
* A record is published only with at least one citation. The admin, the API and
  the import check this here; the database refuses it too, at commit (deals
  migration 0009).

``change_publication`` is the one place states move in bulk (admin actions):
all records or none, each saved normally so its history, tombstones and the
derived-view refresh follow.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from .models import Agreement, Amount, Citation, Deal, Event, Publication

PUBLISHER = "publisher"
PUBLISH_PERMISSION = "deals.publish"
PUBLISHABLE = (Deal, Agreement, Amount, Event)
EDITOR_STATES = (Publication.DRAFT, Publication.IN_REVIEW)

UNCITED = (
    "A record cannot be published without at least one citation: add the source and the "
    "sentence it relies on first."
)
NOT_A_PUBLISHER = "Only a publisher or an administrator may publish or withdraw records."
LOCKED_STATE = "This record is {state}; only a publisher or an administrator may change that."


class PublicationRefused(Exception):
    """A state change that may not happen; ``messages`` says why, record by record."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__(" ".join(messages))


def may_publish(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(PUBLISH_PERMISSION)


def allowed_states(user, current: str | None) -> list[str]:
    """States ``user`` may choose for a record now in ``current`` (None: a new record)."""
    if may_publish(user):
        return list(Publication.values)
    if current in (None, *EDITOR_STATES):
        return list(EDITOR_STATES)
    return [current]


def transition_error(user, current: str | None, wanted: str) -> str | None:
    """Why ``user`` may not move a record from ``current`` to ``wanted`` (None: they may)."""
    if wanted == current or wanted in allowed_states(user, current):
        return None
    if current in (Publication.PUBLISHED, Publication.WITHDRAWN):
        return LOCKED_STATE.format(state=Publication(current).label)
    return NOT_A_PUBLISHER


def uncited(records) -> list:
    """The records among ``records`` with no citation (one query per kind of record)."""
    by_model = defaultdict(list)
    for record in records:
        by_model[type(record)].append(record)
    missing = []
    for model, group in by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        cited = set(
            Citation.objects.filter(
                content_type=content_type, object_id__in=[r.pk for r in group]
            ).values_list("object_id", flat=True)
        )
        missing += [r for r in group if r.pk not in cited]
    return missing


def is_cited(record) -> bool:
    return record.pk is not None and not uncited([record])


# --- moving records ------------------------------------------------------------------


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


def change_publication(records, state: str, user) -> list:
    """Move ``records`` (and what belongs to them, see ``belonging_to``) to ``state``.

    All or nothing: raise ``PublicationRefused`` listing every record that may not
    move. Returns the records moved.
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
        error = transition_error(user, row.publication, state)
        if error:
            problems.append(f"{label(row)}: {error}")
    if state == Publication.PUBLISHED:
        problems += [f"{label(row)}: {UNCITED}" for row in uncited(moving)]
    if problems:
        raise PublicationRefused(problems)
    with transaction.atomic():
        for row in moving:
            row.publication = state
            row.save(update_fields=["publication", "updated_at"])
    return moving


def label(record) -> str:
    return f"{record._meta.verbose_name} “{record}”"
