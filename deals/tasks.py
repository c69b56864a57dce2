"""Celery tasks that keep the derived views fresh (see ``deals.aggregates``)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError, connection
from django.db.models import F
from django.db.models.functions import Greatest

from .aggregates import RefreshBusy, refresh_all, refresh_lock
from .models import RefreshState
from .refresh_scheduling import enqueue_refresh

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(RefreshBusy, OperationalError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=False,
    max_retries=20,
)
def refresh_derived_views(self) -> dict[str, float]:
    """Rebuild all derived views; idempotent, one at a time, re-run if writes overlapped."""
    return refresh_now()


def refresh_now() -> dict[str, float]:
    """Refresh in this process (task body, also used by ``manage.py refresh_views``)."""
    # From here on, writes enqueue a new refresh; those before are covered by this one
    # (committed before the refresh's transaction, so writers never wait for it).
    RefreshState.objects.filter(pk=1).update(queued_at=None)
    version = RefreshState.objects.values_list("write_version", flat=True).get(pk=1)
    with refresh_lock():
        timings = refresh_all()
    RefreshState.objects.filter(pk=1).update(
        refreshed_version=Greatest(F("refreshed_version"), version)
    )
    state = RefreshState.objects.get(pk=1)
    if state.write_version > version and not connection.in_atomic_block:
        enqueue_refresh()  # writes overlapped this refresh: exactly one more
    log.info("Derived views refreshed in %.2f s (version %s)", timings["total"], version)
    return timings


@shared_task(acks_late=True)
def catch_up_refresh() -> bool:
    """Beat safety net: enqueue a refresh if writes were recorded but never refreshed."""
    state = RefreshState.objects.get(pk=1)
    if state.pending:
        return enqueue_refresh(countdown=0)
    return False


@worker_ready.connect
def catch_up_when_a_worker_starts(**kwargs) -> None:
    """A refresh lost with a killed worker is redone as soon as a worker is back.

    An unacknowledged message only returns to the queue after the broker's
    visibility timeout; the database already knows whether a refresh is owed.
    """
    try:
        state = RefreshState.objects.get(pk=1)
        if state.pending:
            RefreshState.objects.filter(pk=1).update(queued_at=None)
            enqueue_refresh(countdown=0)
    except Exception as exc:  # never keep a worker from starting
        log.warning("Could not check for a pending refresh at worker start: %s", exc)


from .webhooks.tasks import deliver_endpoint, dispatch_webhooks  # noqa: E402, F401  (registers them)
