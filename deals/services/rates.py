"""Exchange rates (editable in the admin; the aggregates convert amounts with them)."""

from ..models import ExchangeRate
from .base import delete, save


def save_rate(actor, rate: ExchangeRate, *, path=None) -> ExchangeRate:
    return save(actor, rate, path=path)


def delete_rate(actor, rate: ExchangeRate, *, path=None) -> None:
    delete(actor, rate, path=path)
