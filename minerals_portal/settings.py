"""Settings read from the environment.

With no ``DATABASE_URL`` the portal runs on the embedded PostgreSQL server in
``var/postgres`` (see ``minerals_portal.embedded_db``); with no
``CELERY_BROKER_URL``/``REDIS_URL`` Celery tasks run eagerly in-process.
``DJANGO_ENV=production`` switches on the production checks.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from minerals_portal.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DJANGO_ENV = os.environ.get("DJANGO_ENV", "development").strip().lower()
PRODUCTION = DJANGO_ENV == "production"

_DEV_SECRET = "dev-insecure-secret-key-change-me-only-for-local-development"
SECRET_KEY = os.environ.get("SECRET_KEY") or os.environ.get("DJANGO_SECRET_KEY") or _DEV_SECRET
if PRODUCTION and (
    SECRET_KEY == _DEV_SECRET
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs a strong SECRET_KEY (at least 50 characters, "
        "at least 5 distinct); generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )

DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs ALLOWED_HOSTS: the comma-separated host names the "
        "portal is reached at, e.g. ALLOWED_HOSTS=portal.example.org"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # pg_trgm look-ups and indexes (search)
    "django.forms",  # Django's widget templates, for the project's form renderer
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "pgtrigger",
    "pghistory",
    "deposits",
    "deals",
    "axes",  # login throttling, after the apps whose logins it guards
]

MIDDLEWARE = [
    "minerals_portal.request_id.RequestIdMiddleware",
    # Under /api/: UTC date-times and JSON errors, whatever answers (see the module).
    "minerals_portal.api.middleware.ApiConventionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Probes answer here, before CommonMiddleware validates the Host header.
    "minerals_portal.health.HealthProbeMiddleware",
    # Bodies past the upload limit are answered 413 before they are read.
    "deals.imports.limits.RequestSizeLimit",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Where this request reads: the read replica or the primary (minerals_portal.db_router).
    "minerals_portal.db_router.ReplicaMiddleware",
    # Who changed what, and through which path (admin, API), for the history triggers.
    "deals.history.context.HistoryContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # answers a locked-out login with its message
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account,
# or from one address, logins are refused for AXES_COOLOFF_TIME, even with the right
# password; an administrator unlocks early by deleting the attempts in the admin
# ("Axes › Access attempts") or with `manage.py axes_reset_username NAME`.
# KnownPermissionsBackend: ModelBackend, answering API-token users from the permissions
# fetched with their token.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login
    "minerals_portal.api.authentication.KnownPermissionsBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "minerals_portal.common.client_ip.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "minerals_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",  # {{ CSP_NONCE }} for an inline <script>
            ],
        },
    },
]

# Forms render through the project's templates (templates/forms/): label, control, help, errors.
FORM_RENDERER = "minerals_portal.common.forms.PortalFormRenderer"

WSGI_APPLICATION = "minerals_portal.wsgi.application"

# --- Database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
# No DATABASE_URL: the embedded server that ``make run`` starts (minerals_portal.embedded_db).
EMBEDDED_DATABASE = not DATABASE_URL
if EMBEDDED_DATABASE:
    from minerals_portal.embedded_db import data_dir, database_settings

    DATABASES = {"default": database_settings(data_dir())}
else:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            # Persistent connections, checked before reuse: a PostgreSQL restart
            # costs the next request a reconnect, not an error.
            conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL server (postgres://…).")
# Fail fast when the database is unreachable (readiness probe, requests).
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
)

# Behind PgBouncer in transaction pooling, consecutive transactions may run on different
# server connections: nothing may outlive a transaction there (no server-side cursors
# across them, no prepared statements; psycopg prepares none with a threshold of None).
DATABASE_TRANSACTION_POOLING = env_bool("DATABASE_TRANSACTION_POOLING", False)
if DATABASE_TRANSACTION_POOLING:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None

# A streaming read replica (optional): anonymous and partner reads go there, editors and
# whoever just wrote stay on the primary (minerals_portal.db_router); without it, no effect.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # A lost replica costs a request at most this long before reads fall back.
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 1}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["minerals_portal.db_router.ReplicaRouter"]
REPLICA_PROBE_SECONDS = float(os.environ.get("REPLICA_PROBE_SECONDS", "2"))
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "30"))
REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "15"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded copies of sources; served by the portal's own view (deals.views.sources).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

if PRODUCTION:
    # Served by the app itself behind the proxy, with hashed names and compression.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

LOGIN_URL = "admin:login"

# --- Change history (django-pghistory; PostgreSQL triggers, see deals.history) ---
# The event's own time, so the events of one transaction keep their order.
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"

# --- Seed data ------------------------------------------------------------
SEED_DATASET = BASE_DIR / "deals" / "seed" / "dataset.yaml"

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = (
    os.environ.get("CELERY_BROKER_URL", "").strip() or os.environ.get("REDIS_URL", "").strip()
)
# No broker configured: run tasks in-process so the embedded default works anywhere.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Fail fast when the broker is down: a write must not wait on it (see deals.refresh_scheduling).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "max_retries": 0,  # publishing: fail at once, the refresh is recorded and caught up
    "socket_timeout": 5,
    "visibility_timeout": 600,  # an unacked refresh is redelivered after a worker dies
}
CELERY_BEAT_SCHEDULE = {
    "catch-up-derived-views": {"task": "deals.tasks.catch_up_refresh", "schedule": 30.0},
    "dispatch-webhooks": {
        "task": "deals.webhooks.tasks.dispatch_webhooks",
        "schedule": float(os.environ.get("WEBHOOK_DISPATCH_SECONDS", "10")),
    },
    "full-refresh-derived-views": {
        "task": "deals.tasks.refresh_derived_views",
        "schedule": float(os.environ.get("DERIVED_VIEWS_FULL_REFRESH_SECONDS", "3600")),
    },
}
# Webhooks: the first retry waits up to WEBHOOK_RETRY_BASE_SECONDS, each next one up to
# twice as long (random within that: jitter), never more than WEBHOOK_RETRY_MAX_SECONDS;
# an endpoint failing WEBHOOK_MAX_FAILURES attempts in a row is disabled.
WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "10"))
WEBHOOK_RETRY_MAX_SECONDS = float(os.environ.get("WEBHOOK_RETRY_MAX_SECONDS", "3600"))
WEBHOOK_MAX_FAILURES = int(os.environ.get("WEBHOOK_MAX_FAILURES", "15"))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# Writes within this many seconds share one refresh.
DERIVED_VIEWS_DEBOUNCE_SECONDS = float(os.environ.get("DERIVED_VIEWS_DEBOUNCE_SECONDS", "2"))
# …and refreshes under a steady stream of writes start at most this often.
DERIVED_VIEWS_MIN_INTERVAL_SECONDS = float(
    os.environ.get("DERIVED_VIEWS_MIN_INTERVAL_SECONDS", "10")
)

# --- Cache -----------------------------------------------------------------
# Shared by the API throttles; Redis when CACHE_URL or REDIS_URL names one.
CACHE_URL = os.environ.get("CACHE_URL", "").strip() or os.environ.get("REDIS_URL", "").strip()
if CACHE_URL:
    CACHES = {
        "default": {
            # A Redis outage makes the cache miss instead of failing requests.
            "BACKEND": "minerals_portal.common.cache.TolerantRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Partner API (/api/v1/, see minerals_portal.api) ------------------------
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "600/min").strip() or None
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "minerals_portal.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["minerals_portal.api.permissions.RolePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["minerals_portal.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["minerals_portal.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["minerals_portal.api.parsers.SafeJSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "minerals_portal.api.filters.PortalFilterBackend",
        "minerals_portal.api.ordering.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "minerals_portal.api.pagination.FeedCursorPagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "EXCEPTION_HANDLER": "minerals_portal.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "minerals_portal.api.schema.PortalAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Proxies in front of gunicorn whose X-Forwarded-For entries are trusted (nginx = 1; add
# a TLS terminator's). API budgets and login lockouts count the address they report
# (minerals_portal.common.client_ip), never one a client wrote.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
from .schema_settings import SPECTACULAR_SETTINGS  # noqa: E402, F401  (the API schema)

# --- Security headers (every environment, so pages are built CSP-clean) ----
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style; an inline <script nonce="{{ CSP_NONCE }}"> is the one exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# --- Production hardening -------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Container and load-balancer probes speak plain HTTP to the process.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Operations -------------------------------------------------------------
# /readyz reports not ready when a derived view is older than this.
READYZ_MAX_VIEW_AGE_SECONDS = int(os.environ.get("READYZ_MAX_VIEW_AGE_SECONDS", "7200"))

# One JSON object per line in production, with the request id (see minerals_portal.logs).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'")
# One line per request (method, path, status, duration) from RequestIdMiddleware.
ACCESS_LOG = env_bool("ACCESS_LOG", PRODUCTION)
LOGGING = logging_config(LOG_FORMAT, os.environ.get("LOG_LEVEL", "INFO").strip().upper())
