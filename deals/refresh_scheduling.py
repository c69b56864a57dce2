"""Ask for the derived views to be refreshed after a write commits, coalescing bursts.

Every write path calls ``request_refresh()`` (model signals cover the admin,
the API and the seed loader). After the transaction commits, the request is
recorded in ``RefreshState.write_version`` and a refresh task is enqueued
unless one is already waiting (``queued_at``), so a burst of writes yields
one refresh. If the broker is down the write still succeeds: the enqueue
fails fast, the pending version stays recorded, and the beat task
``catch_up_refresh`` enqueues the refresh once the broker is back.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from .models import Publication, RefreshState

log = logging.getLogger(__name__)

# A queued marker older than this is presumed lost (e.g. broker flushed).
QUEUE_STALE = dt.timedelta(minutes=5)


def request_refresh(using: str = "default") -> None:
    """Schedule a refresh for when the current transaction commits (at once outside one)."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
        callback is _after_commit for _, callback, _ in connection.run_on_commit
    ):
        return  # already requested by this transaction
    transaction.on_commit(_after_commit, using=using)


def _after_commit() -> None:
    now = timezone.now()
    updated = RefreshState.objects.filter(pk=1).update(
        write_version=F("write_version") + 1, last_request_at=now
    )
    if not updated:
        RefreshState.objects.get_or_create(pk=1, defaults={"write_version": 1})
    enqueue_refresh()


def _countdown(now) -> float:
    """Wait the debounce, and at least until the minimum interval since the last refresh.

    Under a steady stream of writes this bounds refreshes to one per interval,
    so a large rebuild never runs back to back and starves the web processes.
    """
    from .models import ViewRefresh

    wait = settings.DERIVED_VIEWS_DEBOUNCE_SECONDS
    last = ViewRefresh.objects.aggregate(last=Max("refreshed_at"))["last"]
    if last is not None:
        since = (now - last).total_seconds()
        wait = max(wait, settings.DERIVED_VIEWS_MIN_INTERVAL_SECONDS - since)
    return wait


def enqueue_refresh(countdown: float | None = None) -> bool:
    """Enqueue one refresh unless one is already waiting; never raise on a broker failure."""
    from .tasks import refresh_derived_views

    now = timezone.now()
    claimed = (
        RefreshState.objects.filter(pk=1)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - QUEUE_STALE))
        .update(queued_at=now)
    )
    if not claimed:
        return False
    if countdown is None:
        countdown = _countdown(now)
    try:
        refresh_derived_views.apply_async(countdown=countdown, retry=False)
    except Exception as exc:  # broker unreachable: record, never fail the write
        log.warning("Could not enqueue a derived-view refresh (will catch up): %s", exc)
        RefreshState.objects.filter(pk=1).update(
            queued_at=None, last_enqueue_error=f"{now:%Y-%m-%d %H:%M:%S} {exc}"[:500]
        )
        return False
    return True


# Models whose writes change the derived views.
WATCHED_MODELS = (
    "deals.Deal",
    "deals.Agreement",
    "deals.AgreementParty",
    "deals.Amount",
    "deals.Event",
    "deals.Company",
    "deals.Ownership",
    "deals.ExchangeRate",
    "deposits.Deposit",
    "deposits.Commodity",
)
WATCHED_M2M = (
    ("deals.Deal", "deposits"),
    ("deals.Deal", "commodities"),
    ("deals.Agreement", "deposits"),
    ("deals.Agreement", "commodities"),
)


def _is_draft(instance) -> bool:
    state = getattr(instance, "publication", None)
    return state is not None and state != Publication.PUBLISHED


def _on_write(sender, raw=False, using="default", **kwargs) -> None:
    if raw:  # fixture loading: the loader requests its own refresh
        return
    request_refresh(using=using)


def _on_save(sender, instance, created=False, raw=False, using="default", **kwargs) -> None:
    """The views count published records only: a new draft changes none of them.

    An update always refreshes, since what the record was before is not known here.
    """
    if created and _is_draft(instance):
        return
    _on_write(sender, raw=raw, using=using)


def _on_delete(sender, instance, using="default", **kwargs) -> None:
    if _is_draft(instance):  # a draft never reached the views
        return
    _on_write(sender, using=using)


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for label in WATCHED_MODELS:
        model = apps.get_model(label)
        post_save.connect(_on_save, sender=model, dispatch_uid=f"refresh-save-{label}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"refresh-delete-{label}")
    for label, field in WATCHED_M2M:
        through = apps.get_model(label)._meta.get_field(field).remote_field.through
        m2m_changed.connect(_on_write, sender=through, dispatch_uid=f"refresh-m2m-{label}-{field}")
