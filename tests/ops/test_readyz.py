"""``/readyz``: ready only when database, migrations, broker and derived views are fine."""

import datetime as dt
import os
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from deals.aggregates import VIEWS
from deals.models import RefreshState, ViewRefresh
from minerals_portal.readiness import forget_migration_state

LIVE_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_views(settings):
    """A healthy portal: migrated test database, views just refreshed, tasks eager."""
    settings.CELERY_BROKER_URL = ""
    forget_migration_state()
    RefreshState.objects.get_or_create(pk=1)
    call_command("refresh_views", stdout=open(os.devnull, "w"))  # noqa: SIM115
    yield
    forget_migration_state()


def readyz(client, **extra):
    response = client.get("/readyz", **extra)
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, response.json()


@pytest.mark.parametrize("broker", ["", LIVE_REDIS], ids=["eager", "redis"])
def test_ready_on_a_healthy_portal(client, settings, broker):
    settings.CELERY_BROKER_URL = broker
    status, body = readyz(client)
    assert status == 200, body
    assert body["status"] == "ready"
    checks = body["checks"]
    assert set(checks) == {"database", "migrations", "broker", "derived_views"}
    assert all(check["ok"] for check in checks.values())
    assert checks["migrations"]["unapplied"] == 0
    assert checks["broker"]["mode"] == ("broker" if broker else "eager")
    assert checks["derived_views"]["state"] == "fresh"
    assert checks["derived_views"]["age_s"] < 60


def test_a_dead_broker_is_named_quickly_and_without_its_address(client, settings):
    settings.CELERY_BROKER_URL = "redis://:hunter2-secret@127.0.0.1:1/0"
    started = time.monotonic()
    status, body = readyz(client)
    assert time.monotonic() - started < 3
    assert status == 503
    assert body["status"] == "not_ready"
    broker = body["checks"]["broker"]
    assert broker["ok"] is False and broker["error"] == "ConnectionError"
    assert all(body["checks"][part]["ok"] for part in ("database", "migrations", "derived_views"))
    text = str(body)
    assert "hunter2" not in text and "127.0.0.1" not in text and "redis://" not in text


def test_dead_broker_port_from_the_runbook(client, settings):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    status, body = readyz(client)
    assert status == 503 and not body["checks"]["broker"]["ok"]


def test_stale_views_make_the_portal_not_ready(client, settings):
    ViewRefresh.objects.update(refreshed_at=timezone.now() - dt.timedelta(hours=3))
    status, body = readyz(client)
    views = body["checks"]["derived_views"]
    assert status == 503
    assert views["ok"] is False and views["state"] == "stale"
    assert views["age_s"] >= 3 * 3600 - 5 and views["max_age_s"] == 7200
    settings.READYZ_MAX_VIEW_AGE_SECONDS = 4 * 3600
    assert readyz(client)[0] == 200


def test_views_never_refreshed_make_the_portal_not_ready(client):
    ViewRefresh.objects.filter(name="deal_pipeline").delete()
    status, body = readyz(client)
    views = body["checks"]["derived_views"]
    assert status == 503
    assert views["state"] == "never refreshed" and views["never_refreshed"] == ["deal_pipeline"]
    ViewRefresh.objects.all().delete()
    assert sorted(readyz(client)[1]["checks"]["derived_views"]["never_refreshed"]) == sorted(VIEWS)


def test_the_refresh_backlog_is_reported(client):
    RefreshState.objects.filter(pk=1).update(
        write_version=12, refreshed_version=9, queued_at=timezone.now()
    )
    status, body = readyz(client)
    views = body["checks"]["derived_views"]
    assert status == 200  # a short backlog is normal: the views are still fresh
    assert views["pending_writes"] == 3 and views["refresh_queued"] is True


def test_unapplied_migrations_make_the_portal_not_ready(client):
    """As after a deploy whose ``migrate`` did not run: the newest migration is missing."""
    (app, name), *_ = MigrationLoader(connection).graph.leaf_nodes("deals")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, name])
    status, body = readyz(client)
    migrations = body["checks"]["migrations"]
    assert status == 503
    assert migrations["ok"] is False and migrations["unapplied"] == 1


def test_probes_answer_whatever_the_host_header(client, settings):
    """A container check connects by IP; the probes must not fail on ALLOWED_HOSTS."""
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    assert client.get("/readyz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").json() == {"status": "ok"}
    assert client.get("/deals/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_liveness_needs_nothing_but_the_process(client, settings):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    ViewRefresh.objects.all().delete()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
