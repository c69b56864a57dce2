"""Partners' webhook endpoints and the log of every delivery attempt."""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import URLValidator
from django.db import models

from ..models.feed import Change, ChangeEvent


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """Where a partner wants feed entries POSTed; keeps its own feed position."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    secret = models.CharField(max_length=128, default=new_secret)
    events = ArrayField(
        models.CharField(max_length=12, choices=ChangeEvent.choices),
        default=list,
        blank=True,
        help_text="Events to deliver; empty: all of them.",
    )
    resources = ArrayField(
        models.CharField(max_length=20),
        default=list,
        blank=True,
        help_text="Resources to deliver (e.g. agreements); empty: all of them.",
    )
    active = models.BooleanField(default=True)
    position = models.BigIntegerField(default=0, help_text="The last feed position delivered.")
    failures = models.PositiveIntegerField(default=0, help_text="Consecutive failed attempts.")
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(position__gte=0), name="deals_webhook_position_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.owner})"

    def wants(self, change: Change) -> bool:
        return (not self.events or change.event in self.events) and (
            not self.resources or change.resource in self.resources
        )


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(models.Model):
    """One feed entry for one endpoint: its attempts, last answer and state."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["endpoint", "change"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["endpoint", "status", "change"], name="deals_delivery_queue")
        ]

    def __str__(self) -> str:
        return f"{self.change} → {self.endpoint.url}: {self.status}"
