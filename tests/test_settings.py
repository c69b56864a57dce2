"""Configuration comes from the environment; production refuses an insecure secret."""

import os
import subprocess
import sys

from django.conf import settings

PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
)


def run(env_overrides, code=PRINT_SETTINGS):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "REDIS_URL",
            "DJANGO_ENV",
            "SECRET_KEY",
            "DEBUG",
        }
    }
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="minerals_portal.settings")
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def test_embedded_default_is_sqlite_with_eager_tasks(tmp_path):
    out = run({"SQLITE_PATH": str(tmp_path / "x.sqlite3")})
    assert out.stdout.split() == ["django.db.backends.sqlite3", "True", "True"]


SERVE_TIMELINE = """
import django; django.setup()
from django.core.management import call_command
from django.test import Client
from deals.models import TimelineTotals
call_command("migrate", verbosity=0)
call_command("load_seed", verbosity=0)
client = Client()
def articles(url):
    response = client.get(url)
    return f"{response.status_code}:{response.content.decode().count('<article')}"
urls = ["/", "/?kind=memorandum", "/?commodity=tungsten&date_from=2025"]
stored = [articles(url) for url in urls]
TimelineTotals.objects.update(data_version="")  # as between a change and its refresh
print(stored == [articles(url) for url in urls], *stored)
"""


def test_embedded_default_serves_the_seeded_timeline(tmp_path):
    """What ``make run`` gives without PostgreSQL: the seed loaded, the timeline served."""
    out = run({"SQLITE_PATH": str(tmp_path / "run.sqlite3")}, SERVE_TIMELINE)
    assert out.returncode == 0, out.stderr
    same, *pages = out.stdout.split()
    assert same == "True"
    status, shown = zip(*(page.split(":") for page in pages), strict=True)
    everything, memoranda, tungsten = map(int, shown)
    assert set(status) == {"200"} and everything > 10
    assert 0 < memoranda < everything and 0 < tungsten < everything


def test_database_url_and_broker_select_postgres_and_a_real_broker():
    out = run(
        {
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert out.stdout.split() == ["django.db.backends.postgresql", "False", "True"]


def test_production_refuses_an_insecure_secret():
    out = run({"DJANGO_ENV": "production", "SECRET_KEY": "short"})
    assert out.returncode != 0
    assert "needs a strong SECRET_KEY" in out.stderr
    out = run({"DJANGO_ENV": "production"})
    assert "needs a strong SECRET_KEY" in out.stderr


def test_production_with_a_strong_secret_starts_with_debug_off():
    out = run(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k7-Qz9_xW" * 7,
            "ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
        }
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "False"
