"""Who may write what: the one place publication rights live.

* Editors add and change records and move them between draft and in review.
* Publishers (superusers and holders of ``deals.publish``) may also publish and
  withdraw, and change or delete published and withdrawn records.
* A published or withdrawn record is locked for editors whatever the path, and so
  are the rows that belong to it: an agreement's parties, and the citations of a
  locked record (or of a locked agreement's party). A draft amount or event under
  a published deal is a record of its own and stays open to editors.
* ``actor=None`` is the system (seed loader, migrations): always allowed.

``check_may_write``, ``check_may_delete`` and ``check_may_set_publication`` raise
``PermissionDenied`` with a sentence the admin and the API show as it is. States
are read from the database, not from the instance being edited, so changing a
record's state in memory cannot unlock it.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from ..models import Agreement, AgreementParty, Citation, Publication
from ..models.publication import Publishable

PUBLISHER = "publisher"
PUBLISH_PERMISSION = "deals.publish"
EDITOR_STATES = (Publication.DRAFT, Publication.IN_REVIEW)
LOCKED_STATES = (Publication.PUBLISHED, Publication.WITHDRAWN)

NOT_A_PUBLISHER = "Only a publisher or an administrator may publish or withdraw records."
LOCKED_STATE = "This record is {state}; only a publisher or an administrator may change that."
LOCKED_RECORD = "{record} is {state}: only a publisher or an administrator may {verb} it."
LOCKED_PARENT = (
    "This {row} belongs to {record}, which is {state}: "
    "only a publisher or an administrator may {verb} it."
)
NO_PERMISSION = "Your account may not {action} {records}."


# --- the rule ----------------------------------------------------------------------------


def may_publish(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(PUBLISH_PERMISSION)


def has_model_permission(user, action: str, model) -> bool:
    """Whether ``user`` holds ``add``, ``change``, ``delete`` or ``view`` on ``model``."""
    if not getattr(user, "is_authenticated", False):
        return False
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


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
    if current in LOCKED_STATES:
        return LOCKED_STATE.format(state=Publication(current).label)
    return NOT_A_PUBLISHER


# --- checks the services call ------------------------------------------------------------


def check_may_write(actor, instance) -> None:
    """Refuse creating or changing ``instance`` when ``actor`` may not."""
    if actor is None:
        return
    _check_model_permission(actor, "change" if _stored(instance) else "add", instance)
    if not may_publish(actor):
        _check_unlocked(instance, "change")


def review_root(actor, instance):
    """The published record an editor's write to ``instance`` changes (None: written directly).

    Such a write is not made: it becomes a revision of that record for a publisher
    to approve (``proposals``). Publishers and the system write directly; withdrawn
    records stay locked for editors.
    """
    if actor is None or may_publish(actor):
        return None
    candidates = [instance] if isinstance(instance, Publishable) else _parents(instance)
    for record in candidates:
        if stored_state(record) == Publication.PUBLISHED:
            return record
    return None


def check_may_propose(actor, instance, action: str) -> None:
    """Refuse proposing a change (``add``, ``change`` or ``delete``) without the permission."""
    _check_model_permission(actor, action, instance)


def may_review(user) -> bool:
    """Publishers approve or reject revisions."""
    return may_publish(user)


def own_imported_draft(actor, instance) -> bool:
    """Whether ``instance`` is a draft that ``actor`` created through an import: editors
    may delete those, though they may not delete agreements or deals otherwise."""
    if not isinstance(instance, Publishable) or instance.pk is None:
        return False
    if stored_state(instance) != Publication.DRAFT:
        return False
    history = type(instance).pgh_event_model.objects.filter(
        pgh_obj_id=instance.pk, pgh_label="insert"
    )
    return history.filter(
        pgh_context__metadata__path="import", pgh_context__metadata__user=actor.pk
    ).exists()


def check_may_delete(actor, instance) -> None:
    """Refuse deleting ``instance`` when ``actor`` may not."""
    if actor is None or own_imported_draft(actor, instance):
        return
    _check_model_permission(actor, "delete", instance)
    if not may_publish(actor):
        _check_unlocked(instance, "delete")


def check_may_set_publication(actor, instance, new_state: str) -> None:
    """Refuse moving ``instance`` (as stored) to ``new_state`` when ``actor`` may not."""
    if actor is None:
        return
    error = transition_error(actor, stored_state(instance), new_state)
    if error:
        raise PermissionDenied(error)


def stored_state(instance) -> str | None:
    """The publication state ``instance`` has in the database (None: not saved yet)."""
    if instance.pk is None:
        return None
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    return rows.values_list("publication", flat=True).first()


# --- what locks a row ----------------------------------------------------------------------


def _check_model_permission(actor, action: str, instance) -> None:
    if not has_model_permission(actor, action, type(instance)):
        records = type(instance)._meta.verbose_name_plural
        raise PermissionDenied(NO_PERMISSION.format(action=action, records=records))


def _check_unlocked(instance, verb: str) -> None:
    if isinstance(instance, Publishable):
        state = stored_state(instance)
        if state in LOCKED_STATES:
            raise PermissionDenied(
                LOCKED_RECORD.format(
                    record=_describe(instance, "The"),
                    state=Publication(state).label,
                    verb=verb,
                )
            )
        return
    for parent in _parents(instance):
        state = stored_state(parent)
        if state in LOCKED_STATES:
            raise PermissionDenied(
                LOCKED_PARENT.format(
                    row=instance._meta.verbose_name,
                    record=_describe(parent),
                    state=Publication(state).label,
                    verb=verb,
                )
            )


def _parents(instance) -> list:
    """The publishable records whose state governs ``instance``, before and after the write.

    Both count: moving a party out of a published agreement changes that agreement
    as much as moving one in.
    """
    if isinstance(instance, AgreementParty):
        ids = {instance.agreement_id, _stored_value(instance, "agreement_id")} - {None}
        return list(Agreement._base_manager.filter(pk__in=ids))
    if isinstance(instance, Citation):
        targets = {(instance.content_type_id, instance.object_id)}
        stored = _stored_value(instance, "content_type_id", "object_id")
        if stored:
            targets.add(stored)
        parents = []
        for content_type_id, object_id in targets - {(None, None)}:
            cited = _cited(content_type_id, object_id)
            if isinstance(cited, Publishable):
                parents.append(cited)
            elif cited is not None:
                parents += _parents(cited)
        return parents
    return []


def _cited(content_type_id, object_id):
    if content_type_id is None or object_id is None:
        return None
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:
        return None
    return model._base_manager.filter(pk=object_id).first()


def _stored(instance) -> bool:
    return instance.pk is not None and type(instance)._base_manager.filter(pk=instance.pk).exists()


def _stored_value(instance, *columns):
    if instance.pk is None:
        return None
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    row = rows.values_list(*columns).first()
    if row is None:
        return None
    return row[0] if len(columns) == 1 else row


def _describe(record, article: str = "the") -> str:
    return f"{article} {record._meta.verbose_name} “{record}”"
