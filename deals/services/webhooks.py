"""Writes of partners' webhook endpoints and of their delivery log."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Change
from ..webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

ENDPOINT_FIELDS = ("url", "events", "resources", "active")


def save_endpoint(owner, endpoint: WebhookEndpoint | None, **values) -> WebhookEndpoint:
    """Create or change ``owner``'s endpoint; enabling it again clears its failure count."""
    if endpoint is None:
        endpoint = WebhookEndpoint(owner=owner, position=latest_position())
    elif endpoint.owner_id != owner.pk:
        raise PermissionError("An endpoint belongs to the partner who registered it.")
    enabling = values.get("active") and not endpoint.active
    for name in ENDPOINT_FIELDS:
        if name in values:
            setattr(endpoint, name, values[name])
    if enabling:
        endpoint.failures, endpoint.disabled_reason = 0, ""
    endpoint.full_clean(exclude=["owner", "secret"])
    endpoint.save()
    return endpoint


def delete_endpoint(owner, endpoint: WebhookEndpoint) -> None:
    if endpoint.owner_id != owner.pk:
        raise PermissionError("An endpoint belongs to the partner who registered it.")
    endpoint.delete()


def latest_position() -> int:
    """A new endpoint starts at the feed's end: it receives what changes from now on."""
    return Change.objects.order_by("-position").values_list("position", flat=True).first() or 0


def enqueue(endpoint: WebhookEndpoint, limit: int) -> int:
    """Log a pending delivery for each entry after the endpoint's position it wants."""
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        changes = list(
            Change.objects.filter(position__gt=locked.position).order_by("position")[:limit]
        )
        if not changes:
            return 0
        wanted = [c for c in changes if locked.wants(c)]
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(endpoint=locked, change=c) for c in wanted
        )
        WebhookEndpoint.objects.filter(pk=locked.pk).update(position=changes[-1].position)
        return len(wanted)


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with full jitter: up to base·2^(attempts-1), capped."""
    base, cap = settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_RETRY_MAX_SECONDS
    return random.uniform(0, min(cap, base * 2 ** max(attempts - 1, 0)))  # noqa: S311


def record_success(delivery: WebhookDelivery, status: int) -> None:
    delivery.status, delivery.response_status, delivery.error = DeliveryStatus.DELIVERED, status, ""
    delivery.attempts += 1
    delivery.delivered_at, delivery.next_attempt_at = timezone.now(), None
    delivery.save()
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(failures=0)


def record_failure(delivery: WebhookDelivery, status: int | None, error: str) -> float | None:
    """Log a failed attempt; the delay before the next one, or None: the endpoint is disabled."""
    delivery.attempts += 1
    delivery.response_status, delivery.error = status, error[:300]
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    endpoint.failures += 1
    if endpoint.failures >= settings.WEBHOOK_MAX_FAILURES:
        endpoint.active = False
        endpoint.disabled_reason = (
            f"Disabled after {endpoint.failures} failed attempts in a row (last: {error[:80]})."
        )
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        delay = None
    else:
        delay = backoff_seconds(delivery.attempts)
        delivery.next_attempt_at = timezone.now() + dt.timedelta(seconds=delay)
    endpoint.save(update_fields=["failures", "active", "disabled_reason"])
    delivery.save()
    return delay


def redeliver(owner, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send ``delivery``'s entry again (a new delivery, logged on its own)."""
    if delivery.endpoint.owner_id != owner.pk and not owner.is_superuser:
        raise PermissionError("An endpoint belongs to the partner who registered it.")
    return WebhookDelivery.objects.create(endpoint=delivery.endpoint, change=delivery.change)
