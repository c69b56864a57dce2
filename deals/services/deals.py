"""Deals (the projects agreements, amounts and events belong to)."""

from ..models import Deal
from .base import delete, save


def save_deal(actor, deal: Deal, *, m2m=None, path=None) -> Deal:
    """Create or change ``deal``; ``m2m`` may set ``deposits`` and ``commodities``."""
    return save(actor, deal, m2m=m2m, path=path)


def delete_deal(actor, deal: Deal, *, path=None) -> None:
    delete(actor, deal, path=path)
