"""Optimistic locking: a record saved from a stale copy is refused, never silently lost.

Every save of a stored ``Versioned`` record first moves the version on with a
conditional ``UPDATE … SET version = version + 1 WHERE version = <the version
this copy was read at>``, then saves. When another save got there first no row
matches and ``EditConflict`` is raised before anything is written; the admin
and the API turn it into a message listing what changed meanwhile. The first
update locks the row until the transaction ends, so a concurrent save waits
and then finds the version moved.
Bulk ``QuerySet.update()`` bypasses this: code that publishes or imports in
bulk increments ``version`` itself.
"""

from contextlib import nullcontext

from django.db import models, router, transaction
from django.db.models import F


class EditConflict(Exception):
    """The record changed since this copy of it was read (``expected`` ≠ ``current``)."""

    def __init__(self, record, expected: int, current: int):
        self.record, self.expected, self.current = record, expected, current
        super().__init__(
            f"{record._meta.verbose_name} {record.pk} was changed by someone else "
            f"(you edited version {expected}, it is now at version {current})."
        )


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=1,
        db_default=1,
        editable=False,
        help_text="Incremented by every save; a save from an older version is refused.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # The claim's row lock must last until the save is written: one transaction.
        in_transaction = transaction.get_connection(using).in_atomic_block
        with nullcontext() if in_transaction else transaction.atomic(using=using):
            self._claim_version(using)  # a conflict leaves the caller's transaction usable
            super().save(*args, **kwargs)

    def _claim_version(self, using) -> None:
        """Move the stored version from this copy's to the next, or raise ``EditConflict``."""
        stored = type(self)._base_manager.using(using).filter(pk=self.pk)
        expected = self.version
        if stored.filter(version=expected).update(version=F("version") + 1):
            self.version = expected + 1
            return
        current = stored.values_list("version", flat=True).first()
        if current is not None:
            raise EditConflict(self, expected, current)
        # No such row: the save goes on to insert it, as Django does for any model.
