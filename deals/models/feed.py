"""The change feed's tables: notes written by triggers, the sequenced feed, what partners saw.

* ``ChangeNote``: one row per (resource, record) a writing statement touched,
  inserted by database triggers (migration 0017) in the writing transaction with
  that transaction's id. Any write path leaves one: the write layer, a bare
  ``QuerySet.update``, raw SQL.
* ``Change``: the feed partners read (``/api/v1/changes/``). The sequencer
  (``deals.services.changes``) turns the notes of committed transactions into
  entries, one run at a time under a lock, so positions become visible in
  increasing order and a transaction still in flight is never skipped.
* ``FeedState``: per record, whether partners see it after the last entry and a
  hash of what they were served, so an entry is written only when what a partner
  sees changed (a draft's edits never reach the feed).
* ``SlugHistory``: slugs a record had before, so old URLs answer with a redirect.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models


class ChangeNote(models.Model):
    """A record touched by a transaction (see ``deals.services.changes``)."""

    id = models.BigAutoField(primary_key=True)
    xid = models.BigIntegerField(help_text="The writing transaction's id (pg_current_xact_id).")
    resource = models.CharField(max_length=20)
    ref = models.CharField(max_length=40, help_text="The record's id (a currency for rates).")

    class Meta:
        indexes = [models.Index(fields=["xid"], name="deals_changenote_xid")]

    def __str__(self) -> str:
        return f"{self.resource} {self.ref} (transaction {self.xid})"


class ChangeEvent(models.TextChoices):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    REPUBLISHED = "republished"


GONE = (ChangeEvent.DELETED, ChangeEvent.WITHDRAWN)


class Change(models.Model):
    """One entry of the change feed; ``position`` only grows, in the order entries commit."""

    position = models.BigAutoField(primary_key=True)
    resource = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    slug = models.CharField(max_length=80, blank=True)
    event = models.CharField(max_length=12, choices=ChangeEvent.choices)
    data = models.JSONField(null=True, blank=True, help_text="What partners see; null: gone.")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["resource", "object_id"], name="deals_change_record")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event__in=GONE, data__isnull=True)
                | (~models.Q(event__in=GONE) & models.Q(data__isnull=False)),
                name="deals_change_data_unless_gone",
                violation_error_message="A feed entry carries data unless the record is gone.",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.resource} {self.object_id} {self.event}"


class FeedState(models.Model):
    """What the feed last told partners about one record."""

    resource = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    public = models.BooleanField()
    digest = models.CharField(max_length=64, blank=True)
    slug = models.CharField(max_length=80, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "object_id"], name="deals_feedstate_record")
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.object_id} ({'shown' if self.public else 'hidden'})"


class SlugHistory(models.Model):
    """A slug a record had before; its old URLs redirect to the current one."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.BigIntegerField()
    slug = models.CharField(max_length=80)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "slug history"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "slug"],
                name="deals_slughistory_unique_per_model",
                violation_error_message="This slug was already used by another record.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}: {self.slug}"
