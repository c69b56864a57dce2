"""Celery tasks that deliver the change feed to partners' webhook endpoints.

``dispatch_webhooks`` (beat, every ``WEBHOOK_DISPATCH_SECONDS``) sequences the
feed, logs a pending delivery for every new entry each active endpoint wants
(each endpoint keeps its feed position) and starts ``deliver_endpoint`` for
endpoints with pending deliveries. ``deliver_endpoint`` sends them one at a
time in feed order; a failed attempt (no answer, or not 2xx) stops the queue
and retries after an exponential backoff with jitter, so an endpoint receives a
record's entries in order. After ``WEBHOOK_MAX_FAILURES`` failed attempts in a
row the endpoint is disabled.
"""

from __future__ import annotations

import logging

import orjson
import requests
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..api.changes import entry
from ..services import webhooks as service
from ..services.changes import sequence
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .signing import HEADER, sign

log = logging.getLogger(__name__)
ENQUEUE_LIMIT = 1000


@shared_task(acks_late=True, ignore_result=True)
def dispatch_webhooks() -> int:
    """Queue new feed entries for every active endpoint and start their delivery."""
    sequence()
    started = 0
    for endpoint in WebhookEndpoint.objects.filter(active=True):
        service.enqueue(endpoint, ENQUEUE_LIMIT)
        if endpoint.deliveries.filter(status=DeliveryStatus.PENDING).exists():
            deliver_endpoint.delay(endpoint.pk)
            started += 1
    return started


def body_of(delivery: WebhookDelivery) -> bytes:
    return orjson.dumps(
        {"delivery": delivery.pk, **entry(delivery.change)},
        option=orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC,
    )


def post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the signed entry; (status, error) with error empty on a 2xx answer."""
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "minerals-portal-webhooks/1",
        "X-Portal-Delivery": str(delivery.pk),
        "X-Portal-Event": delivery.change.event,
        HEADER: sign(endpoint.secret, body),
    }
    try:
        response = requests.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"answered {response.status_code}"


@shared_task(acks_late=True, ignore_result=True)
def deliver_endpoint(endpoint_id: int) -> int:
    """Send the endpoint's pending deliveries in feed order; stop at the first failure."""
    sent = 0
    retry_in = None
    with transaction.atomic():
        endpoint = (
            WebhookEndpoint.objects.select_for_update(skip_locked=True)
            .filter(pk=endpoint_id, active=True)
            .first()
        )
        if endpoint is None:
            return 0  # disabled, gone, or another worker is delivering to it
        pending = endpoint.deliveries.filter(status=DeliveryStatus.PENDING).select_related("change")
        for delivery in pending.order_by("change__position", "id"):
            if delivery.next_attempt_at and delivery.next_attempt_at > timezone.now():
                retry_in = (delivery.next_attempt_at - timezone.now()).total_seconds()
                break
            status, error = post(endpoint, delivery)
            if not error:
                service.record_success(delivery, status)
                sent += 1
                continue
            log.warning("Webhook delivery %s to %s failed: %s", delivery.pk, endpoint.url, error)
            retry_in = service.record_failure(delivery, status, error)
            break
    if retry_in is not None:
        countdown = max(retry_in, 0)
        transaction.on_commit(
            lambda: deliver_endpoint.apply_async((endpoint_id,), countdown=countdown)
        )
    return sent
