"""Reads of anonymous visitors and partners go to the streaming read replica; editors stay on
the primary.

With ``DATABASE_REPLICA_URL`` set, settings add the ``replica`` alias; without it nothing
here has any effect. A request is routed by ``ReplicaMiddleware``:

- it starts on the primary when it is not a read (POST, PATCH…), when its client wrote in
  the last ``REPLICA_STICKY_SECONDS`` (the ``portal_primary`` cookie set after a write), or
  when a signed-in user may write (staff, superusers, editors, publishers); an API token of
  such a user moves the request to the primary as soon as it is known (``stay_on_primary``);
- any write moves the rest of the request to the primary and sets the sticky cookie, so
  whoever wrote reads their own writes at once;
- sign-in data (sessions, users, groups, lockouts) is always read on the primary.

Everything else, and nothing outside a request (Celery, commands), may read on the replica,
but only while a short cached probe finds it streaming and no more than
``REPLICA_MAX_LAG_SECONDS`` behind; a replica that is down or whose connection fails is
skipped (reads fall back to the primary, no error), and probed again after
``REPLICA_PROBE_SECONDS``.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
STICKY_COOKIE = "portal_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read on the primary whoever asks: who is signed in, and whether they are locked out.
PRIMARY_APPS = frozenset({"sessions", "auth", "axes", "admin", "contenttypes"})
# On the standby: (in recovery?, seconds since the last replayed commit or 0 when it has
# replayed all it received, the WAL receiver's status).
LAG_SQL = (
    "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
    "THEN 0 ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END, "
    "(SELECT status FROM pg_stat_wal_receiver)"
)


@dataclass
class Route:
    primary: bool
    wrote: bool = False
    checked: bool = False  # the replica's connection was checked in this request


_route: ContextVar[Route | None] = ContextVar("portal_db_route", default=None)
_probe: dict = {"at": float("-inf"), "status": None}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_status(max_age: float | None = None) -> dict:
    """``{"state": "streaming" | "recovering" | "not_standby" | "down", "lag_s": …}``.

    Probed at most every ``max_age`` seconds (``REPLICA_PROBE_SECONDS`` by default) per
    process; a failure closes the connection so that the next probe connects afresh.
    """
    max_age = settings.REPLICA_PROBE_SECONDS if max_age is None else max_age
    if _probe["status"] is not None and time.monotonic() - _probe["at"] < max_age:
        return _probe["status"]
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            standby, lag, receiver = cursor.fetchone()
    except DatabaseError as exc:
        log.warning("Read replica unavailable: %s: %s", type(exc).__name__, exc)
        connection.close()
        status = {"state": "down", "lag_s": None}
    else:
        if not standby:
            status = {"state": "not_standby", "lag_s": None}
        else:
            state = "streaming" if receiver == "streaming" else "recovering"
            status = {"state": state, "lag_s": round(float(lag or 0), 3)}
    _probe.update(at=time.monotonic(), status=status)
    return status


def serves_reads(status: dict) -> bool:
    return status["state"] in {"streaming", "recovering"} and (
        status["lag_s"] <= settings.REPLICA_MAX_LAG_SECONDS
    )


def forget_replica_status() -> None:
    _probe.update(at=float("-inf"), status=None)


def _replica_answers() -> bool:
    """The cached probe says the replica may serve, and this request's connection is alive."""
    if not serves_reads(replica_status()):
        return False
    connection = connections[REPLICA]
    try:
        connection.ensure_connection()
        if not connection.is_usable():  # e.g. the replica restarted since the last request
            connection.close()
            connection.ensure_connection()
        connection.health_check_done = True  # Django's own check would repeat this one
    except DatabaseError:
        connection.close()
        forget_replica_status()
        return False
    return True


def stay_on_primary() -> None:
    """Keep the rest of this request on the primary (a writer was recognised)."""
    route = _route.get()
    if route is not None:
        route.primary = True


def may_write(user) -> bool:
    from minerals_portal.api.permissions import EDITOR, PUBLISHER, group_names

    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.is_superuser or bool(group_names(user) & {EDITOR, PUBLISHER})


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        route = _route.get()
        if route is None or route.primary or model._meta.app_label in PRIMARY_APPS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # a transaction on the primary reads what it wrote
        if not route.checked:
            route.checked = True
            if not _replica_answers():
                route.primary = True
                return None
        return REPLICA

    def db_for_write(self, model, **hints):
        route = _route.get()
        if route is not None:
            route.primary = route.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


class ReplicaMiddleware:
    """Decide where this request reads (see the module's docstring); after the auth middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        primary = request.method not in SAFE_METHODS or STICKY_COOKIE in request.COOKIES
        if not primary and settings.SESSION_COOKIE_NAME in request.COOKIES:
            primary = may_write(request.user)
        route = Route(primary=primary)
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if route.wrote:
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
