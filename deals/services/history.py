"""Reverting one change: its fields go back to their values from before it.

The revert is an ordinary save of the current row through ``base.save``
(rights, ``full_clean``, the end-of-unit checks), recorded in the history with
the path "revert" and the key of the change it undoes. Later changes to other
fields are kept. Publication states are not reverted: they move only through
submitting, publishing and withdrawing.
"""

from ..history.entries import event_model, shown_fields
from .base import save, unit


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
