"""What the seed loader last wrote, so that a re-run never overrides an editor."""

from django.db import models


class SeedRecord(models.Model):
    """One seeded record (``section`` and the dataset's ``key``) as the loader last wrote it.

    ``written`` is the record's content (fields, links, parties, citations) read back
    after that write. A re-run updates a record only while it still equals ``written``;
    otherwise an editor changed, withdrew or deleted it, and the loader leaves it and
    reports it. ``kept`` is the fingerprint of the state last reported that way, so the
    same decision is not reported as new on every run.
    """

    section = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    written = models.JSONField(null=True)  # None: found in the database, never written
    kept = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="seed_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.section}/{self.key}"
