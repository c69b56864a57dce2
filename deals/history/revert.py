"""Finding the change to revert; the revert itself is a write (``deals.services.history``)."""

from ..services.history import RevertRefused, revert_change
from .entries import event_model, scope

__all__ = ["RevertRefused", "find_change", "revert"]


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
    """Undo ``event`` on the current row as ``user`` (see ``revert_change``)."""
    return revert_change(user, model, event)
