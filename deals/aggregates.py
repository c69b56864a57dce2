"""Rebuild the derived views (``deals.models.aggregates``) in one transaction.

First a temporary table of amount facts is built from the ORM by the one
counting rule (``deals.counting.facts``): one row per published amount, its
bucket (committed, financing, other, lapsed), converted to USD with the latest
stored rate on or before its as-of date, flagged ``counted`` unless a published
restatement supersedes it, dated by the first amount of its chain.
Every view is then rebuilt from that table with plain SQL: ``DELETE`` then
``INSERT … SELECT``. ``DELETE`` (not ``TRUNCATE``) keeps readers unblocked;
they see the old rows until the transaction commits.

Only one refresh runs at a time: a transaction-level advisory lock (released
with the transaction, also when the worker dies).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from minerals_portal.api.caching import data_version

from . import counting
from .aggregate_views import (
    FACTS,
    build_by_commodity,
    build_by_company,
    build_by_country_pair,
    build_by_deposit,
    build_by_period,
    build_monthly,
    build_pipeline,
    build_unconverted,
)
from .models import (
    Amount,
    CommittedByCommodity,
    CommittedByCompany,
    CommittedByCountryPair,
    CommittedByDeposit,
    CommittedByPeriod,
    DealPipeline,
    MonthlyActivity,
    TimelineTotals,
    UnconvertedByPeriod,
    ViewRefresh,
)
from .selectors import public_totals
from .visibility import visible

LOCK_KEY = 7_310_001  # PostgreSQL advisory lock id for "refresh derived views"


class RefreshBusy(Exception):
    """Another refresh holds the lock; try again later."""


def facts_queryset():
    """One row per published amount of a published deal, by the one counting rule.

    Project cost estimates are left out: they are never counted as money.
    """
    return (
        counting.facts(visible(Amount.objects.all(), None))
        .exclude(kind=Amount.Kind.COST_ESTIMATE)
        .annotate(
            amount_id=F("id"),
            investor_country=Coalesce(F("investor__country"), Value("")),
            host_country=F("deal__host_country"),
        )
        .values(
            "amount_id", "deal_id", "agreement_id", "deposit_id", "investor_id",
            "investor_country", "host_country", "kind", "bucket", "currency", "value", "usd",
            "counted", "year", "quarter", "month",
        )
        .order_by()
    )  # fmt: skip


VIEWS: dict[str, tuple[type, Callable]] = {
    "committed_by_deposit": (CommittedByDeposit, build_by_deposit),
    "committed_by_company": (CommittedByCompany, build_by_company),
    "committed_by_commodity": (CommittedByCommodity, build_by_commodity),
    "committed_by_country_pair": (CommittedByCountryPair, build_by_country_pair),
    "committed_by_period": (CommittedByPeriod, build_by_period),
    "deal_pipeline": (DealPipeline, build_pipeline),
    "monthly_activity": (MonthlyActivity, build_monthly),
    "unconverted_by_period": (UnconvertedByPeriod, build_unconverted),
}


@contextmanager
def refresh_lock():
    """Hold the one refresh lock for a transaction around the block, or raise ``RefreshBusy``.

    A transaction-level lock, released at commit or rollback on the server connection
    that took it: behind PgBouncer in transaction pooling, a session lock's unlock may run
    on another server connection, and the lock, left behind, would refuse every later
    refresh.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise RefreshBusy("another refresh of the derived views is running")
        yield


def _tune_postgres_session(cursor) -> None:
    """Give the rebuild memory enough to hash and sort without spilling to disk.

    JIT compilation costs more than it saves on these scans. ``temp_buffers``
    can only change before a session's first temporary table, hence once per
    connection and inside a savepoint in case another use came first.
    """
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL work_mem = '128MB'")
    if not getattr(connection, "_portal_temp_buffers_set", False):
        try:
            with transaction.atomic():
                cursor.execute("SET temp_buffers = '256MB'")
        except DatabaseError:
            pass
        connection._portal_temp_buffers_set = True


def refresh_all() -> dict[str, float]:
    """Rebuild every derived view atomically; return seconds taken per view.

    The caller must hold ``refresh_lock()``.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    # Taken before reading anything: if a write lands during the refresh, the live
    # version moves past this one and the timeline counts live (see TimelineTotals).
    version = data_version(published_only=True)[0]
    with transaction.atomic(), connection.cursor() as cursor:
        now = timezone.now()
        _tune_postgres_session(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {FACTS}")
        sql, params = facts_queryset().query.sql_with_params()
        cursor.execute(f"CREATE TEMPORARY TABLE {FACTS} AS {sql}", params)
        # Without statistics the planner sorts a million rows instead of hashing them.
        cursor.execute(f"ANALYZE {FACTS}")
        timings["amount_facts"] = time.perf_counter() - started
        for name, (model, build) in VIEWS.items():
            t0 = time.perf_counter()
            build(cursor, now)
            elapsed = time.perf_counter() - t0
            timings[name] = elapsed
            ViewRefresh.objects.update_or_create(
                name=name,
                defaults={
                    "refreshed_at": now,
                    "duration_ms": round(elapsed * 1000),
                    "row_count": model.objects.count(),
                },
            )
        cursor.execute(f"DROP TABLE IF EXISTS {FACTS}")
        t0 = time.perf_counter()
        TimelineTotals.objects.update_or_create(
            pk=1, defaults={"data_version": version, "computed_at": now, **public_totals()}
        )
        timings["timeline_totals"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - started
    return timings
