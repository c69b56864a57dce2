"""Reviewed changes to published records, and comments on any record.

An editor's change to a published record (from the admin, the API or an import)
is not written to it: it becomes a pending ``Revision`` holding the proposed
values of the record's own fields and of the rows that belong to it (parties,
amounts, citations), each row as ``{"model", "pk", "action", "fields"}``. The
record stays as published until a publisher approves the revision (its changes
are then written through the service layer) or rejects it with a reason.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Revision(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn by its author")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="revisions"
    )
    path = models.CharField(max_length=10, help_text="admin, api or import")
    base_version = models.PositiveIntegerField(
        help_text="The version of the record the editor changed."
    )
    changes = models.JSONField(
        default=list,
        help_text="Rows changed: [{model, pk, action: change|add|delete, fields: {name: value}}].",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.TextField(blank=True, help_text="Why the revision was rejected.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_revisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        permissions = [("review_revision", "Can approve or reject revisions")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="revision_rejection_has_reason",
                violation_error_message="A rejection needs a reason the editor can act on.",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="revision_decision_recorded",
                violation_error_message="A decided revision names who decided it and when.",
            ),
        ]

    def __str__(self) -> str:
        return f"Revision #{self.pk} of {self.content_type.name} {self.object_id}"


class Comment(models.Model):
    """A note on a record, shown to editors and publishers beside it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="record_comments"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="comment_body_not_empty",
                violation_error_message="A comment cannot be empty.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:60]}"
