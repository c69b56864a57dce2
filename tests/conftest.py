import os
from pathlib import Path

import pytest
from django.conf import settings

ARTICLES_DIR = Path(
    os.environ.get("SEED_ARTICLES_DIR", Path(settings.BASE_DIR).parent / "shared" / "seeds")
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database's default: no citation backstop at commit.

    The factories insert published records without citations, and Django checks
    deferred constraints at the end of every test. The backstop (deals migration
    0009) stays in force everywhere else; tests/editorial switches it on to test it.
    """
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"ALTER DATABASE {name} SET deals.skip_citation_check = 'on'")
    connection.close()  # new connections start with the database's default
    admin_url = os.environ.get("PGBOUNCER_ADMIN_URL")
    if admin_url:  # behind PgBouncer (make test's API run): its pooled server connections too
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute("RECONNECT")


@pytest.fixture(scope="session")
def private_redis():
    """A Redis of the suite's own, on its own port: what tests flush or stop is never
    the machine's Redis (which other work on the machine shares)."""
    from minerals_portal.ops.private import PrivateRedis

    server = PrivateRedis().start()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (the local-memory cache outlives tests)."""
    from django.core.cache import cache

    from minerals_portal.api.throttling import local_windows

    cache.clear()
    local_windows.clear()  # the in-process rate limiter's counts too


@pytest.fixture(autouse=True)
def default_language():
    """Each test ends in the default language: a request in Russian activates it for the
    thread, and the next test's dates and labels would come out in Russian."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def articles_dir() -> Path:
    assert ARTICLES_DIR.is_dir(), (
        f"The source articles are expected in {ARTICLES_DIR} (set SEED_ARTICLES_DIR)"
    )
    return ARTICLES_DIR


@pytest.fixture
def seeded(db):
    """The real seed dataset as the management command's code path loads it (loaded once
    per session, copied back in afterwards: tests/seed_copy.py)."""
    from django.contrib.contenttypes.models import ContentType

    from tests.seed_copy import load_seed

    yield load_seed()
    ContentType.objects.clear_cache()  # the rollback brings the earlier content type ids back
