"""The throttles' cache is in-process by default and Redis when a URL is configured."""

import os
import subprocess
import sys

from django.conf import settings

PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION'), "
    "s.API_THROTTLE_RATE)"
)
CLEARED = {"CACHE_URL", "REDIS_URL", "API_THROTTLE_RATE", "DATABASE_URL", "DJANGO_ENV"}


def settings_with(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    clean.update(env, DJANGO_SETTINGS_MODULE="minerals_portal.settings")
    clean["EMBEDDED_PGDATA"] = str(tmp_path / "pg")
    out = subprocess.run(
        [sys.executable, "-c", PRINT],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def test_default_is_locmem_and_600_a_minute(tmp_path):
    backend, _, rate = settings_with(tmp_path)
    assert backend.endswith("LocMemCache") and rate == "600/min"


def test_redis_url_selects_the_redis_cache(tmp_path):
    backend, location, _ = settings_with(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3")
    assert backend.endswith("RedisCache") and location == "redis://127.0.0.1:6379/3"


def test_cache_url_wins_and_the_rate_is_configurable(tmp_path):
    backend, location, rate = settings_with(
        tmp_path,
        REDIS_URL="redis://127.0.0.1:6379/3",
        CACHE_URL="redis://127.0.0.1:6379/5",
        API_THROTTLE_RATE="100/hour",
    )
    assert location == "redis://127.0.0.1:6379/5" and rate == "100/hour"
