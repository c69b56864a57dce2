"""Editors remove the drafts their own imports created (an agreement with its amounts)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from ..models import Amount
from . import rights
from .base import delete, unit

NOT_YOURS = (
    "{record} is not a draft you imported: only its importer may delete it this way, "
    "and only while it is a draft."
)


def delete_imported_drafts(actor, records) -> int:
    """Delete every one of ``records`` (with the draft amounts under an agreement) or none;
    each must be a draft ``actor`` imported. Returns how many records were deleted."""
    refused = [r for r in records if not rights.own_imported_draft(actor, r)]
    if refused:
        raise PermissionDenied(
            " ".join(
                NOT_YOURS.format(record=f"{r._meta.verbose_name.capitalize()} “{r}”")
                for r in refused
            )
        )
    with unit(actor):
        for record in records:
            for amount in Amount.objects.filter(agreement_id=record.pk):
                delete(actor, amount)
            delete(actor, record)
    return len(records)
