"""Where a request reads, with a real streaming replica (a private primary and its standby).

Anonymous visitors and partners read the replica; editors, unsafe methods and whoever just
wrote read the primary; a replica that is down or whose connection breaks is skipped
without an error, and ``/readyz`` then says "degraded", not "not ready".
"""

import copy
import json
import os

import dj_database_url
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from deals.models import Deal, RefreshState
from minerals_portal.db_router import (
    REPLICA,
    STICKY_COOKIE,
    ReplicaMiddleware,
    forget_replica_status,
)
from minerals_portal.ops.private import PrivatePostgres, free_port
from minerals_portal.ops.replica import PrivateReplica
from minerals_portal.readiness import forget_migration_state

from .conftest import production_env, run_python

# Not wrapped in a transaction (inside one, reads stay on the primary: that is a rule); the
# replica alias exists before the test starts, as with DATABASE_REPLICA_URL, a mirror of
# the test database's alias for the test machinery (never flushed).
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def replica_at(url: str) -> None:
    """Point the ``replica`` alias at ``url``, configured as settings do."""
    if REPLICA in connections.settings:
        connections[REPLICA].close()
        del connections[REPLICA]
    parsed = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    parsed["OPTIONS"] = {"connect_timeout": 1}
    parsed["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
    databases = {DEFAULT_DB_ALIAS: copy.deepcopy(settings.DATABASES[DEFAULT_DB_ALIAS]),
                 REPLICA: parsed}  # fmt: skip
    settings.DATABASES[REPLICA] = connections.configure_settings(databases)[REPLICA]
    forget_replica_status()


@pytest.fixture(scope="module", autouse=True)
def standby(django_db_setup):
    """A private primary and its streaming standby; the ``replica`` alias points at it."""
    primary = PrivatePostgres().start()
    replica = PrivateReplica(primary)
    try:
        replica.start()
        # The test machinery names a mirror's database as the test database: one there too.
        name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        primary.create_database(name)
        replica.test_url = replica.url(name)
        replica_at(replica.test_url)
        yield replica
    finally:
        if REPLICA in connections.settings:
            connections[REPLICA].close()
            del connections[REPLICA]
            del settings.DATABASES[REPLICA]
        replica.close()
        primary.close()


@pytest.fixture
def replica_down(standby):
    """The alias points at a port nobody listens on; back to the standby afterwards."""
    replica_at(f"postgres://postgres@127.0.0.1:{free_port()}/postgres")
    yield
    replica_at(standby.test_url)


def route(request, then=None) -> tuple[str, HttpResponse]:
    """Where a read of deals goes for ``request`` (after ``then`` ran in the request)."""
    seen = {}

    def view(request):
        if then:
            then(request)
        seen["alias"] = router.db_for_read(Deal)
        return HttpResponse()

    response = ReplicaMiddleware(view)(request)
    return seen["alias"], response


def anonymous(method="get", **kwargs):
    from django.contrib.auth.models import AnonymousUser

    request = getattr(RequestFactory(), method)("/", **kwargs)
    request.user = AnonymousUser()
    return request


def signed_in(user):
    request = RequestFactory().get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
    request.user = user
    return request


def user_in(group: str) -> User:
    user = User.objects.create_user(f"{group}-user")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def test_without_a_replica_everything_reads_the_primary(monkeypatch):
    monkeypatch.delitem(settings.DATABASES, REPLICA)
    assert route(anonymous())[0] == DEFAULT_DB_ALIAS


def test_anonymous_reads_go_to_the_replica_writes_and_unsafe_methods_to_the_primary():
    assert route(anonymous())[0] == REPLICA
    assert route(anonymous("post"))[0] == DEFAULT_DB_ALIAS
    with transaction.atomic():  # a transaction on the primary reads what it wrote
        assert route(anonymous())[0] == DEFAULT_DB_ALIAS


def test_whoever_wrote_reads_the_primary_for_the_rest_of_the_request_and_a_while_after():
    alias, response = route(anonymous(), then=lambda r: Group.objects.create(name="wrote"))
    assert alias == DEFAULT_DB_ALIAS
    cookie = response.cookies[STICKY_COOKIE]
    assert cookie["max-age"] == settings.REPLICA_STICKY_SECONDS and cookie["httponly"]
    assert route(anonymous(HTTP_COOKIE=f"{STICKY_COOKIE}=1"))[0] == DEFAULT_DB_ALIAS
    assert STICKY_COOKIE not in route(anonymous())[1].cookies  # a plain read sets none


def test_signed_in_editors_read_the_primary_partners_the_replica():
    assert route(signed_in(user_in("editor")))[0] == DEFAULT_DB_ALIAS
    assert route(signed_in(User.objects.create_user("staff", is_staff=True)))[0] == "default"
    assert route(signed_in(user_in("partner")))[0] == REPLICA


def test_a_replica_that_is_down_is_skipped_without_an_error(replica_down):
    assert route(anonymous())[0] == DEFAULT_DB_ALIAS


@pytest.fixture
def fresh_views(settings):
    settings.CELERY_BROKER_URL = ""
    forget_migration_state()
    RefreshState.objects.get_or_create(pk=1)
    call_command("refresh_views", stdout=open(os.devnull, "w"))  # noqa: SIM115
    yield
    forget_migration_state()


def test_readyz_reports_the_replicas_state_and_lag(client, standby, fresh_views):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ready", body
    replica = body["checks"]["replica"]
    assert replica["ok"] and replica["state"] == "streaming" and replica["serving_reads"]
    assert 0 <= replica["lag_s"] < replica["max_lag_s"]
    assert standby.test_url not in json.dumps(body) and str(standby.port) not in json.dumps(body)


def test_readyz_is_degraded_not_failed_when_the_replica_is_down(client, replica_down, fresh_views):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded", body
    assert body["checks"]["replica"] == {**body["checks"]["replica"], "ok": False,
                                         "state": "down", "serving_reads": False}  # fmt: skip
    assert all(check["ok"] for name, check in body["checks"].items() if name != "replica")


def test_a_replica_lost_between_probes_falls_back_at_once(standby, settings):
    settings.REPLICA_PROBE_SECONDS = 600  # the cached probe still says "streaming"
    assert route(anonymous())[0] == REPLICA
    standby.stop()
    try:
        assert route(anonymous())[0] == DEFAULT_DB_ALIAS
    finally:
        standby.start()
    forget_replica_status()
    assert route(anonymous())[0] == REPLICA


def test_settings_add_the_replica_alias_only_from_database_replica_url():
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "r = settings.DATABASES.get('replica'); "
        "print(json.dumps(r and {'host': r['HOST'], 'mirror': r['TEST']['MIRROR']}))"
    )
    url = "postgres://portal:pw@replica.internal:5432/portal"
    with_replica = run_python(["-c", script], production_env(DATABASE_REPLICA_URL=url))
    assert json.loads(with_replica.stdout) == {"host": "replica.internal", "mirror": "default"}
    without = run_python(["-c", script], production_env())
    assert json.loads(without.stdout) is None
