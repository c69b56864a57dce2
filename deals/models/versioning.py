"""Optimistic locking: a record saved from a stale copy is refused, never silently lost.

Every save of a ``Versioned`` record is a conditional ``UPDATE … WHERE version =
<the version this copy was read at>`` that also increments the version. When
another save got there first no row matches and ``EditConflict`` is raised;
the admin and the API turn it into a message listing what changed meanwhile.
Bulk ``QuerySet.update()`` bypasses this: code that publishes or imports in
bulk increments ``version`` itself.
"""

from django.db import models
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
        super().save(*args, **kwargs)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        field = self._meta.get_field("version")
        expected = self.version
        values = [v for v in values if v[0] is not field] + [(field, None, F("version") + 1)]
        if base_qs.filter(pk=pk_val, version=expected)._update(values) > 0:
            self.version = expected + 1
            return True
        current = base_qs.filter(pk=pk_val).values_list("version", flat=True).first()
        if current is None:
            return False  # no such row: Django goes on to insert, as for any model
        raise EditConflict(self, expected, current)
