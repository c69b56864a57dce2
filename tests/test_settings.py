"""Configuration comes from the environment; production refuses an insecure secret."""

import os
import subprocess
import sys

from django.conf import settings

PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, "
    "s.EMBEDDED_DATABASE, s.DATABASES['default']['HOST'] or '-')"
)


def run(env_overrides, code=PRINT_SETTINGS):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "DATABASE_TRANSACTION_POOLING",
            "CELERY_BROKER_URL",
            "REDIS_URL",
            "DJANGO_ENV",
            "SECRET_KEY",
            "DEBUG",
            "EMBEDDED_PGDATA",
        }
    }
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="minerals_portal.settings")
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def test_embedded_default_is_postgres_in_var_with_eager_tasks(tmp_path):
    """No DATABASE_URL: the embedded server of EMBEDDED_PGDATA (see test_embedded_db)."""
    out = run({"EMBEDDED_PGDATA": str(tmp_path / "pg")})
    assert out.stdout.split() == [
        "django.db.backends.postgresql", "True", "True", "True", str(tmp_path / "pg")
    ]  # fmt: skip
    out = run({})
    assert out.stdout.split()[-1] == str(settings.BASE_DIR / "var" / "postgres")


def test_database_url_and_broker_select_postgres_and_a_real_broker():
    out = run(
        {
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert out.stdout.split() == [
        "django.db.backends.postgresql", "False", "True", "False", "127.0.0.1"
    ]  # fmt: skip


def test_database_url_must_name_postgresql():
    out = run({"DATABASE_URL": "mysql://u@127.0.0.1:3306/x"})
    assert out.returncode != 0 and "must name a PostgreSQL server" in out.stderr


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
    assert out.stdout.split()[2] == "False"


def test_transaction_pooling_keeps_nothing_across_transactions():
    """Behind PgBouncer in transaction pooling: no server-side cursors, no prepared statements."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; "
        "print(d['DISABLE_SERVER_SIDE_CURSORS'], d['OPTIONS']['prepare_threshold'])"
    )
    url = {"DATABASE_URL": "postgres://u@127.0.0.1:6432/x"}
    pooled = run({**url, "DATABASE_TRANSACTION_POOLING": "1"}, code)
    assert pooled.stdout.split() == ["True", "None"], pooled.stderr
    direct = run(url, code.replace("['prepare_threshold']", ".get('prepare_threshold', '-')"))
    assert direct.stdout.split() == ["False", "-"], direct.stderr
