"""The generic write: rights, slug, validation, save, relations, and the end-of-unit checks.

A *unit* is one transaction of writes (an admin save with its inline rows, one
API request, one import row). Rules that span rows are checked when the
outermost unit ends, not after each row: the parties' stake total (the deferred
database trigger, forced early by ``stakes.check_stake_totals``) and "a
published record cites at least one source" (checked here with a clear
message; the database's deferred backstop still guards every other path).
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from ..history.context import history_context
from ..models import AgreementParty, Citation, Publication, Source
from ..models.publication import Publishable
from . import rights
from .lookalikes import check_lookalikes
from .proposals import propose
from .refusals import database_refusals
from .slugs import fill_slug, remember_old_slug
from .stakes import check_stake_totals

UNCITED = (
    "A record cannot be published without at least one citation: add the source and the "
    "sentence it relies on first."
)
# Published without a citation of their own: a source is the evidence itself.
SELF_EVIDENT = (Source,)
LAST_CITATION = (
    "{record} is published and must keep at least one citation: add another citation "
    "first, or have a publisher withdraw it."
)


class Unit:
    """What the current unit of writes still has to check before it ends."""

    def __init__(self, actor):
        self.actor = actor
        self.parties_changed = False
        self.must_be_cited: dict[tuple[int, int], str] = {}  # (content type, pk) → error key
        self.revisions: dict = {}  # (content type, pk) of a published record → its revision

    def note_write(self, record, old_target=None):
        if isinstance(record, AgreementParty):
            self.parties_changed = True
        elif isinstance(record, Citation):
            for target in (old_target, (record.content_type_id, record.object_id)):
                if target and None not in target:
                    self.must_be_cited.setdefault(target, "citations")

    def note_published(self, record):
        key = (ContentType.objects.get_for_model(record).pk, record.pk)
        self.must_be_cited[key] = "publication"

    def run(self):
        if self.parties_changed:
            self.parties_changed = False
            check_stake_totals()
        pending, self.must_be_cited = self.must_be_cited, {}
        errors: dict[str, list[str]] = {}
        for (content_type_id, pk), key in pending.items():
            message = uncited_message(content_type_id, pk, key)
            if message and message not in errors.get(key, []):
                errors.setdefault(key, []).append(message)
        if errors:
            raise ValidationError(errors)


def uncited_message(content_type_id: int, pk: int, key: str) -> str | None:
    """Why the record is refused, when it is published now and cites nothing."""
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None or not issubclass(model, Publishable) or issubclass(model, SELF_EVIDENT):
        return None
    record = model._base_manager.filter(pk=pk, publication=Publication.PUBLISHED).first()
    if record is None:
        return None
    if Citation.objects.filter(content_type_id=content_type_id, object_id=pk).exists():
        return None
    if key == "publication":
        return UNCITED
    return LAST_CITATION.format(record=f"{model._meta.verbose_name.capitalize()} “{record}”")


# Per-model steps of the write (``deals.services.figures`` fills them): derived
# fields the write layer keeps, e.g. an agreement's status from its history.
BEFORE_SAVE: dict[type, list] = {}
AFTER_SAVE: dict[type, list] = {}
AFTER_DELETE: dict[type, list] = {}


_current: ContextVar[Unit | None] = ContextVar("deals_services_unit", default=None)
_collected: ContextVar[list | None] = ContextVar("deals_services_proposals", default=None)


def labelled(path, actor, **extra):
    if path is None:
        return nullcontext()
    return history_context(path, user=actor, **extra)


@contextmanager
def unit(actor=None, path: str | None = None, **history_extra):
    """One transaction of writes; rules spanning rows are checked as the outermost one ends.

    Nested units are savepoints: a caller may catch one's refusal and go on.
    """
    outer = _current.get()
    if outer is not None:
        with database_refusals(), transaction.atomic(), labelled(path, actor, **history_extra):
            yield outer
        return
    current = Unit(actor)
    token = _current.set(current)
    try:
        with database_refusals(), transaction.atomic(), labelled(path, actor, **history_extra):
            yield current
            current.run()
        sink = _collected.get()
        if sink is not None:
            sink.extend(current.revisions.values())
    finally:
        _current.reset(token)


@contextmanager
def proposals():
    """Collect, in the list it yields, the revisions the outermost units run inside make
    (an API write: no unit of its own around the service, so no extra savepoint)."""
    found: list = []
    token = _collected.set(found)
    try:
        yield found
    finally:
        _collected.reset(token)


def proposed() -> list:
    """The revisions the current unit has made so far (editors' changes to published records)."""
    current = _current.get()
    return list(current.revisions.values()) if current is not None else []


def check_now() -> None:
    """Run the current unit's pending checks now (the admin does, to place the messages)."""
    current = _current.get()
    if current is not None:
        with database_refusals():
            current.run()


def stored_target(record) -> tuple[int, int] | None:
    """Where a citation pointed before this write (None: new)."""
    if record.pk is None:
        return None
    return Citation.objects.filter(pk=record.pk).values_list("content_type_id", "object_id").first()


def save(actor, record, *, m2m: dict | None = None, path: str | None = None, exclude=()):
    """Create or change ``record`` (any domain model); ``m2m`` sets many-to-many fields.

    Refused with ``PermissionDenied`` when ``actor`` may not make this change,
    with ``ValidationError`` when the record is invalid; ``EditConflict`` when
    ``record`` was read at an older version than the stored one.
    """
    with unit(actor, path) as current:
        root = rights.review_root(actor, record)
        if root is None:
            rights.check_may_write(actor, record)
        else:
            rights.check_may_propose(actor, record, "change" if record.pk else "add")
        moving = isinstance(record, Publishable) and (
            record.publication != rights.stored_state(record)
        )
        if moving:
            rights.check_may_set_publication(actor, record, record.publication)
        old_target = stored_target(record) if isinstance(record, Citation) else None
        fill_slug(record)
        check_lookalikes(record)  # before the case-insensitive unique check: it names the record
        # Fields are validated here; the model's check and unique constraints are the
        # database's to enforce, at no extra query: its refusal comes back by constraint
        # name with the constraint's own message (``refusals``). Django would ask the
        # database once per constraint, in a savepoint each.
        record.full_clean(exclude=list(exclude), validate_constraints=False)
        if root is not None:  # an editor's change to a published record: kept for review
            propose(actor, current.revisions, root, record, m2m=m2m)
            return record
        for step in BEFORE_SAVE.get(type(record), ()):
            step(actor, record)
        record.save()
        remember_old_slug(record)
        for name, objects in (m2m or {}).items():
            getattr(record, name).set(objects)
        for step in AFTER_SAVE.get(type(record), ()):
            step(actor, record)
        if moving and record.publication == Publication.PUBLISHED:
            current.note_published(record)
        current.note_write(record, old_target)
    return record


def delete(actor, record, *, path: str | None = None) -> None:
    """Delete ``record``; refused when ``actor`` may not, or when other records need it."""
    with unit(actor, path) as current:
        root = rights.review_root(actor, record)
        if root is not None:
            rights.check_may_propose(actor, record, "delete")
            propose(actor, current.revisions, root, record, delete=True)
            return
        rights.check_may_delete(actor, record)
        current.note_write(record)
        record.delete()
        for step in AFTER_DELETE.get(type(record), ()):
            step(actor, record)


def delete_many(actor, records, *, path: str | None = None) -> None:
    """Delete every one of ``records`` or none."""
    with unit(actor, path):
        for record in records:
            delete(actor, record)
