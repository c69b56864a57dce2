"""Run Django in a subprocess with the production environment, and shared fixtures."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# Only these pass from the test run's environment: the subprocess starts as a container
# would, from what it is given (nothing the suite or the developer's shell has set).
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def production_env(**overrides) -> dict[str, str]:
    env = {k: os.environ[k] for k in INHERITED if k in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="minerals_portal.settings",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/minerals_portal",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    # -W: WhiteNoise warns that collectstatic has not run here; that is no log line.
    return subprocess.run(
        [sys.executable, "-W", "ignore::UserWarning", *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_django(code: str, **env_overrides) -> subprocess.CompletedProcess:
    """Run ``code`` after ``django.setup()`` under the production environment."""
    return run_python(
        ["-c", "import django; django.setup()\n" + code], production_env(**env_overrides)
    )


SECURITY_SETTINGS = (
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


@pytest.fixture(scope="session")
def production_security_settings() -> dict:
    """The security settings exactly as ``DJANGO_ENV=production`` computes them."""
    out = run_django(
        "import json; from django.conf import settings as s\n"
        f"print(json.dumps({{n: getattr(s, n) for n in {SECURITY_SETTINGS!r}}}))"
    )
    assert out.returncode == 0, out.stderr
    values = json.loads(out.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def as_production(settings, production_security_settings):
    """This process's settings with production's security values, behind a TLS proxy."""
    for name, value in production_security_settings.items():
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    return {"HTTP_HOST": "portal.example.org", "HTTP_X_FORWARDED_PROTO": "https"}
