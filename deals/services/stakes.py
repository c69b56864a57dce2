"""The parties' stakes in one agreement total at most 100 %: checked now instead of at commit.

The rule lives in the database, as a deferred constraint trigger on
``AgreementParty`` (see ``STAKE_TOTAL_CHECK``): it runs at commit, so rows of a
reallocation may be written in any order, and it locks the agreement before
summing, so concurrent writers to one agreement are checked one after the other.

A refusal at commit cannot be shown beside a form field, so the services call
``check_stake_totals()`` at the end of each write touching parties: it makes the
pending checks run now, inside a savepoint, and turns a refusal into a
``ValidationError``. Rows written after it are checked at commit again.
"""

from __future__ import annotations

import pgtrigger
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction

from ..models.agreements import STAKE_TOTAL_CONSTRAINT

STAKE_TOTAL_TRIGGER = "deals.AgreementParty:stake_total"


def check_stake_totals(using: str = DEFAULT_DB_ALIAS) -> None:
    """Run the deferred stake-total checks of this transaction now.

    Raises ``ValidationError({"stake": [...]})`` naming the agreement and the
    total. Outside a transaction nothing is pending (each statement commits and
    is checked at once), so there is nothing to do.
    """
    if not transaction.get_connection(using).in_atomic_block:
        return
    try:
        with transaction.atomic(using=using):  # a refusal rolls back only this savepoint
            pgtrigger.constraints(pgtrigger.Immediate, STAKE_TOTAL_TRIGGER, databases=[using])
    except IntegrityError as exc:
        message = stake_total_message(exc)
        if message is None:
            raise
        error = ValidationError(message, code="stake_total")  # the API answers it with 409
        raise ValidationError({"stake": [error]}) from exc
    pgtrigger.constraints(pgtrigger.Deferred, STAKE_TOTAL_TRIGGER, databases=[using])


def stake_total_message(exc: Exception) -> str | None:
    """The trigger's sentence when ``exc`` is its refusal (None for any other error)."""
    diag = getattr(exc.__cause__, "diag", None)
    if diag is None or diag.constraint_name != STAKE_TOTAL_CONSTRAINT:
        return None
    return diag.message_primary
