"""The parts ``/readyz`` checks: database, migrations, broker, derived views, read replica.

Each check returns a dict with ``ok`` and what an operator needs to act on.
Nothing here may reveal a secret: no URLs, host names or exception texts in
the answer (they can contain passwords); a failure names its exception class,
and the full text goes to the log only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

log = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 1.0
# Loading the migration graph reads every migration file: do it at most this often.
MIGRATIONS_CACHE_SECONDS = 10.0
_migrations_cache: dict[str, tuple[float, dict]] = {}


def timed(name: str, check: Callable[[], dict]) -> dict:
    """Run one check; a raised exception becomes ``ok: false`` with its class name."""
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:
        log.warning("Readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database(alias: str = "default") -> dict:
    """The server answers; which one it is: engine, version, embedded or external."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    version = connection.pg_version  # e.g. 180006 for 18.6
    return {
        "ok": True,
        "engine": connection.display_name,
        "version": f"{version // 10000}.{version % 10000}",
        "server": "embedded" if settings.EMBEDDED_DATABASE else "external",
    }


def check_migrations(alias: str = "default") -> dict:
    """No unapplied migrations (a deploy that skipped ``migrate`` is not ready)."""
    cached = _migrations_cache.get(alias)
    if cached and time.monotonic() - cached[0] < MIGRATIONS_CACHE_SECONDS:
        return dict(cached[1])
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    result = {"ok": not plan, "unapplied": len(plan)}
    _migrations_cache[alias] = (time.monotonic(), result)
    return dict(result)


def forget_migration_state() -> None:
    """Drop the cached migration check (after ``migrate``, and in tests)."""
    _migrations_cache.clear()


def check_broker() -> dict:
    """The Celery broker answers within a second; without one, tasks run eagerly."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return {"ok": True, "mode": "eager"}
    if urlsplit(url).scheme in {"redis", "rediss", "unix"}:
        import redis

        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
            socket_timeout=BROKER_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        finally:
            client.close()
    else:
        from kombu import Connection

        with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1)
    return {"ok": True, "mode": "broker"}


def check_derived_views() -> dict:
    """Every derived view rebuilt within ``READYZ_MAX_VIEW_AGE_SECONDS``; backlog reported."""
    from deals.aggregates import VIEWS
    from deals.models import RefreshState, ViewRefresh

    max_age = settings.READYZ_MAX_VIEW_AGE_SECONDS
    refreshed = dict(
        ViewRefresh.objects.filter(name__in=list(VIEWS)).values_list("name", "refreshed_at")
    )
    state = RefreshState.objects.filter(pk=1).first()
    result = {
        "max_age_s": max_age,
        "pending_writes": max(0, state.write_version - state.refreshed_version) if state else 0,
        "refresh_queued": bool(state and state.queued_at),
    }
    never = sorted(set(VIEWS) - set(refreshed))
    if never:
        return {"ok": False, "state": "never refreshed", "never_refreshed": never, **result}
    age = (timezone.now() - min(refreshed.values())).total_seconds()
    fresh = age <= max_age
    return {"ok": fresh, "state": "fresh" if fresh else "stale", "age_s": round(age), **result}


def check_replica() -> dict:
    """The read replica's state and lag, probed now. Never required: when it is down or too
    far behind, reads fall back to the primary and the portal is only degraded."""
    from minerals_portal.db_router import replica_status, serves_reads

    status = replica_status(max_age=0)
    serving = serves_reads(status)
    return {"ok": serving, "required": False, "serving_reads": serving, **status,
            "max_lag_s": settings.REPLICA_MAX_LAG_SECONDS}  # fmt: skip


def readiness() -> dict[str, dict]:
    """Every check's state; the database-backed ones are skipped when the database is down."""
    checks = {"database": timed("database", check_database)}
    for name, check in (("migrations", check_migrations), ("derived_views", check_derived_views)):
        if checks["database"]["ok"]:
            checks[name] = timed(name, check)
        else:
            checks[name] = {"ok": False, "error": "skipped: database unavailable"}
    checks["broker"] = timed("broker", check_broker)
    ordered = {name: checks[name] for name in ("database", "migrations", "broker", "derived_views")}
    if "replica" in settings.DATABASES:
        ordered["replica"] = timed("replica", check_replica)
        ordered["replica"].setdefault("required", False)
    return ordered
