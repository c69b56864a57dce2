"""Reverting one change: its fields go back to their values from before it.

The revert is an ordinary save of the current row, validated like any other
(``full_clean``: field rules, ``clean()``, constraints), and is itself recorded
in the history with the path "revert" and the key of the change it undoes.
Later changes to other fields are kept. Publication states are not reverted:
they move only through submitting, publishing and withdrawing.
"""

from django.db import transaction

from .context import history_context
from .entries import event_model, scope, shown_fields


class RevertRefused(Exception):
    pass


def find_change(record, key: str):
    """(model, event) for entry ``key`` (``<model>-<event id>``) in ``record``'s history."""
    name, _, number = key.rpartition("-")
    if not number.isdigit():
        return None, None
    for model, condition in scope(record):
        if model._meta.model_name == name:
            history = event_model(model).objects
            objects = history.filter(condition).values("pgh_obj_id")
            event = history.filter(pgh_id=int(number), pgh_obj_id__in=objects).first()
            return (model, event) if event is not None else (None, None)
    return None, None


def revert(model, event, user):
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
    with history_context(path="revert", user=user, reverts=key), transaction.atomic():
        row = model._base_manager.select_for_update().filter(pk=event.pgh_obj_id).first()
        if row is None:
            raise RevertRefused("This row has been deleted since; the change cannot be reverted.")
        for f in fields:
            setattr(row, f.attname, getattr(before, f.attname))
        row.full_clean()
        row.save()
    return row
