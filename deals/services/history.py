"""Reverting one change: its fields go back to their values from before it.

The revert is an ordinary save of the current row through ``base.save``
(rights, ``full_clean``, the end-of-unit checks), recorded in the history with
the path "revert" and the key of the change it undoes. Later changes to other
fields are kept. Publication states are not reverted: they move only through
submitting, publishing and withdrawing.
"""

from ..history.entries import event_model, shown_fields
from .base import delete, save, unit


class RevertRefused(Exception):
    pass


def revert_change(actor, model, event):
    """Undo ``event`` (a change) on the current row; return the saved row."""
    if event.pgh_label != "update":
        raise RevertRefused("Only a change to an existing row can be reverted.")
    before = (
        event_model(model)
        .objects.filter(pgh_obj_id=event.pgh_obj_id, pgh_id__lt=event.pgh_id)
        .order_by("-pgh_id")
        .first()
    )
    fields = [
        f
        for f in shown_fields(model)
        if f.name != "publication" and getattr(before, f.attname) != getattr(event, f.attname)
    ]
    if before is None or not fields:
        raise RevertRefused(
            "This change only moved the publication state; use Submit for review, "
            "Publish or Withdraw instead."
        )
    key = f"{model._meta.model_name}-{event.pgh_id}"
    with unit(actor, path="revert", reverts=key):
        row = model._base_manager.select_for_update().filter(pk=event.pgh_obj_id).first()
        if row is None:
            raise RevertRefused("This row has been deleted since; the change cannot be reverted.")
        for f in fields:
            setattr(row, f.attname, getattr(before, f.attname))
        save(actor, row)
    return row


def undo_save(actor, context_id, within=None):
    """Undo a whole save (every row one history context wrote) through ``save``/``delete``.

    Rows it created are deleted, rows it deleted are recreated, rows it changed get
    their earlier values back, last change first. Refused, with nothing written, when
    a row changed again after that save. ``within``: the (model, condition) scope the
    save must belong to (a record's history), None for any.
    """
    events = _events_of_save(context_id, within)
    if not events:
        raise RevertRefused("No change of this save was found in this record's history.")
    later = [
        (model, event)
        for model, event in events
        if event_model(model)
        .objects.filter(pgh_obj_id=event.pgh_obj_id, pgh_id__gt=event.pgh_id)
        .exclude(pgh_context_id=context_id)
        .exists()
    ]
    if later:
        names = ", ".join(f"{m._meta.verbose_name} #{e.pgh_obj_id}" for m, e in later)
        raise RevertRefused(f"Not undone: changed again since this save ({names}).")
    with unit(actor, path="undo", undoes=str(context_id)):
        for model, event in sorted(events, key=lambda pair: pair[1].pgh_created_at, reverse=True):
            _undo_event(actor, model, event)


def _events_of_save(context_id, within) -> list:
    from ..history.entries import tracked_models

    scopes = within or [(model, None) for model in tracked_models()]
    found = []
    for model, condition in scopes:
        history = event_model(model).objects.filter(pgh_context_id=context_id)
        if condition is not None:
            objects = event_model(model).objects.filter(condition).values("pgh_obj_id")
            history = history.filter(pgh_obj_id__in=objects)
        found += [(model, event) for event in history.order_by("pgh_id")]
    return found


def _undo_event(actor, model, event) -> None:
    row = model._base_manager.select_for_update().filter(pk=event.pgh_obj_id).first()
    if event.pgh_label == "insert":
        if row is not None:
            delete(actor, row)
        return
    before = (
        event
        if event.pgh_label == "delete"
        else event_model(model)
        .objects.filter(pgh_obj_id=event.pgh_obj_id, pgh_id__lt=event.pgh_id)
        .order_by("-pgh_id")
        .first()
    )
    if before is None:
        return
    if row is None:  # deleted by the save: recreated as it was
        row = model(pk=event.pgh_obj_id)
    for f in shown_fields(model):
        if f.name != "publication" or row._state.adding:
            setattr(row, f.attname, getattr(before, f.attname))
    save(actor, row)
