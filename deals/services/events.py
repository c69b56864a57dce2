"""Dated events on the timeline."""

from ..models import Event
from .base import delete, save


def save_event(actor, event: Event, *, m2m=None, path=None) -> Event:
    """Create or change ``event``; ``m2m`` may set ``deposits`` and ``companies``."""
    return save(actor, event, m2m=m2m, path=path)


def delete_event(actor, event: Event, *, path=None) -> None:
    delete(actor, event, path=path)
