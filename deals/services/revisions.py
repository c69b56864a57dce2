"""Deciding revisions (approve, reject with a reason), withdrawing one's own, commenting.

Approving writes the revision's rows through ``base.save`` / ``base.delete`` as
the publisher, in one unit labelled "review" in the history (with the revision's
id and author), so every rule of a direct write applies; a refusal leaves both
the record and the revision as they were.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ..models import Comment, Revision
from . import rights
from .base import delete, save, unit
from .proposals import decode

NOT_A_REVIEWER = "Only a publisher or an administrator may approve or reject revisions."
NOT_PENDING = "This revision was already {status}."
NO_REASON = "Say why the revision is rejected: the editor sees this reason."
NOT_THE_AUTHOR = "Only the editor who proposed a revision may withdraw it."


def _pending(actor, revision) -> Revision:
    if not rights.may_review(actor):
        raise PermissionDenied(NOT_A_REVIEWER)
    locked = Revision.objects.select_for_update().get(pk=revision.pk)
    if locked.status != Revision.Status.PENDING:
        raise ValidationError(NOT_PENDING.format(status=locked.get_status_display()))
    return locked


def _decided(actor, revision, status, reason=""):
    revision.status, revision.reason = status, reason
    revision.decided_by, revision.decided_at = actor, timezone.now()
    revision.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return revision


def _apply(actor, item) -> None:
    model = apps.get_model(item["model"])
    row = model._base_manager.filter(pk=item["pk"]).first() if item["pk"] else model()
    if item["action"] == "delete":
        if row is not None:
            delete(actor, row)
        return
    if row is None:
        raise ValidationError(
            f"The {model._meta.verbose_name} this revision changes has been deleted since."
        )
    m2m = {}
    for name, value in item["fields"].items():
        f = model._meta.get_field(name)
        if f.many_to_many:
            m2m[name] = list(f.related_model._base_manager.filter(pk__in=value))
        else:
            setattr(row, f.attname, decode(f, value))
    save(actor, row, m2m=m2m)


def approve(actor, revision) -> Revision:
    """Write ``revision``'s changes as ``actor`` (a publisher) and mark it approved."""
    with unit(actor, path="review", revision=revision.pk, author=revision.author_id):
        revision = _pending(actor, revision)
        for item in revision.changes:
            _apply(actor, item)
        return _decided(actor, revision, Revision.Status.APPROVED)


def reject(actor, revision, reason: str) -> Revision:
    """Send ``revision`` back to its editor with ``reason`` (required); nothing is written."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": NO_REASON})
    with unit(actor):
        revision = _pending(actor, revision)
        return _decided(actor, revision, Revision.Status.REJECTED, reason)


def withdraw(actor, revision) -> Revision:
    """``revision``'s author takes it back while it is pending; nothing is written, and the
    record's history lists it as withdrawn (by its author, when)."""
    with unit(actor):
        locked = Revision.objects.select_for_update().get(pk=revision.pk)
        if locked.author_id != getattr(actor, "pk", None):
            raise PermissionDenied(NOT_THE_AUTHOR)
        if locked.status != Revision.Status.PENDING:
            raise ValidationError(NOT_PENDING.format(status=locked.get_status_display()))
        return _decided(actor, locked, Revision.Status.WITHDRAWN)


def add_comment(actor, record, body: str) -> Comment:
    """A comment by ``actor`` on ``record`` (staff who may view the record)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the comment first."})
    if not rights.has_model_permission(actor, "view", type(record)):
        raise PermissionDenied("Your account may not see this record.")
    comment = Comment(record=record, author=actor, body=body)
    comment.full_clean()
    comment.save()
    return comment
