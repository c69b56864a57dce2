"""Amounts of money committed or offered (slug made from deal, kind and date when empty)."""

from ..models import Amount
from .base import delete, save


def save_amount(actor, amount: Amount, *, path=None) -> Amount:
    return save(actor, amount, path=path)


def delete_amount(actor, amount: Amount, *, path=None) -> None:
    delete(actor, amount, path=path)
