"""Conditional GET: ``ETag`` and ``Last-Modified`` from one cheap data-version query.

The data version is, for every table the API reads, its highest ``updated_at``
and highest ``id``: index look-ups, so the cost does not grow with the data.
Inserts raise the highest id and edits the highest ``updated_at``; deletions
raise one of them too, because every deleted API record leaves a ``Tombstone``
and every deleted row nested in a record (party, citation, link…) touches its
owner's ``updated_at`` (see ``deals.signals``). The two small lookup tables
whose rows can vanish without either (regions, exchange rates) are counted.

Combined with the request's URL, format, language and whether drafts are
shown, the version gives the ETag; a request whose ``If-None-Match`` matches is
answered 304 before any serialization. Writes that bypass model signals (raw
SQL, ``QuerySet.update`` without ``updated_at``) are the one blind spot.
"""

import datetime as dt
import hashlib
import time
from functools import cache as memoize

import psycopg
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from rest_framework.response import Response

# (model, also count its rows) for every table whose rows appear in API answers.
VERSIONED = [
    ("deposits.Commodity", False),
    ("deposits.Region", True),
    ("deposits.Deposit", False),
    ("deposits.DepositCommodity", False),
    ("deposits.ResourceEstimate", False),
    ("deals.Company", False),
    ("deals.Ownership", False),
    ("deals.Deal", False),
    ("deals.Agreement", False),
    ("deals.AgreementParty", False),
    ("deals.Amount", False),
    ("deals.ExchangeRate", True),
    ("deals.Event", False),
    ("deals.Source", False),
    ("deals.Citation", False),
    ("deals.Tombstone", False),
]


PREPARE_ONLY_WHEN_ASKED = 2**31


@memoize
def _fingerprint_sql(published_only: bool = False) -> str:
    """One SELECT of index-only maxima; ``published_only`` ignores draft rows.

    Drafts are invisible to partners and the public, so an editor drafting does
    not change what they see: their fingerprint skips unpublished rows of the
    publishable tables (a record leaving "published" leaves a tombstone).
    """
    quote = connection.ops.quote_name
    parts = []
    for label, counted in VERSIONED:
        model = apps.get_model(label)
        where = ""
        if published_only and any(f.name == "publication" for f in model._meta.fields):
            where = f" WHERE {quote('publication')} = 'published'"
        tables = [(model._meta.db_table, _stamp_column(model), counted, where)]
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                tables.append((through._meta.db_table, None, False, ""))
        for table, stamp, counted, where in tables:
            parts.append(f"(SELECT MAX({quote('id')}) FROM {quote(table)}{where})")
            if stamp:
                parts.append(f"(SELECT MAX({quote(stamp)}) FROM {quote(table)}{where})")
            if counted:
                parts.append(f"(SELECT COUNT(*) FROM {quote(table)})")
    return "SELECT " + ", ".join(parts)


def _stamp_column(model) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    return next((n for n in ("updated_at", "deleted_at") if n in names), None)


def data_version(published_only: bool = False) -> tuple[str, dt.datetime | None]:
    """(fingerprint, latest change time) of everything the API serves, in one query."""
    return version_of(fetch_prepared(_fingerprint_sql(published_only)))


def version_of(row) -> tuple[str, dt.datetime | None]:
    """(fingerprint, latest change time) from the values the fingerprint query selects."""
    row = tuple(row)
    stamps = [_as_datetime(value) for value in row]
    latest = max((s for s in stamps if s is not None), default=None)
    return hashlib.sha256(repr(row).encode()).hexdigest(), latest


def fingerprint_columns(published_only: bool = False) -> str:
    """The fingerprint query's select list, for a query that fetches it alongside other things.

    ``version_of`` turns the selected values into the version; the API token
    look-up reads the published-only version this way (see ``remember_data_version``).
    """
    return _fingerprint_sql(published_only).removeprefix("SELECT ")


# Where a request keeps a data version fetched earlier in it: (published_only, version).
_REMEMBERED = "_portal_data_version"


def remember_data_version(request, published_only: bool, version) -> None:
    """Let the request's conditional GET use ``version`` instead of asking again.

    A version read earlier in the same request (before any record was read) is
    as good as one read just before serializing: the ETag never claims newer
    data than the answer holds.
    """
    setattr(request, _REMEMBERED, (published_only, version))


def request_data_version(request, published_only: bool):
    remembered = getattr(request, _REMEMBERED, None)
    if remembered is not None and remembered[0] == published_only:
        return remembered[1]
    return data_version(published_only)


def fetch_prepared(sql: str, params=None, many: bool = False):
    """Run ``sql`` (``%s`` placeholders) as a server-side prepared statement; its first row
    (with ``many``, all its rows).

    Used for the fingerprint and the API token look-up, which every API answer
    and page ask for. Planning the fingerprint's few dozen sub-selects costs more
    than running them (about 2.5 ms against 0.5 ms on 100k agreements). Django's
    psycopg cursors bind parameters client-side, which cannot prepare; a plain
    psycopg cursor on the same connection can, and with persistent connections
    the plan is made once per connection.
    """
    # Django health-checks a persistent connection when it opens its own cursor; this
    # plain cursor must ask too, or the first query after a database restart fails.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    started = time.monotonic()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django opens connections with prepared statements switched off, which makes
        # psycopg ignore ``prepare=True`` too. A threshold no query reaches prepares
        # what asks for it (this) and nothing else: Django's cursors never prepare.
        raw.prepare_threshold = PREPARE_ONLY_WHEN_ASKED
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params, prepare=True)
        row = cursor.fetchall() if many else cursor.fetchone()
    if connection.queries_logged:  # counted like any query (debug pages, query-count tests)
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return row


def _as_datetime(value):
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)
    return None


def _plain(value):
    """DRF's ReturnDict/ReturnList without their serializer, so they can be cached.

    A response whose ``plain_data`` is true holds only plain dicts and lists already.
    """
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class ConditionalGetMixin:
    """Wraps ``list``/``retrieve`` so a matching ``If-None-Match`` costs one query.

    The serialized answer is also kept in the cache under its ETag: the ETag
    changes with any data change, so a cached answer is never stale, and every
    partner asking for the same page after the same write shares one
    serialization. CSV exports stream and are never cached.
    """

    RESPONSE_CACHE_SECONDS = 300

    def _cached_response(self, etag, build_response):
        if self.request.accepted_renderer.format == "csv":
            return build_response()
        key = "api-response:" + etag.strip('"')
        data = cache.get(key)
        if data is not None:
            return Response(data)
        response = build_response()
        if response.status_code == 200 and isinstance(response, Response):
            data = response.data
            cache.set(
                key,
                data if getattr(response, "plain_data", False) else _plain(data),
                self.RESPONSE_CACHE_SECONDS,
            )
        return response

    def conditional(self, request, build_response):
        fingerprint, latest = request_data_version(request, published_only=not self.show_drafts)
        variant = "|".join(
            [
                fingerprint,
                request.get_full_path(),
                request.accepted_media_type or "",
                translation.get_language() or "",
                "drafts" if self.show_drafts else "published",
            ]
        )
        etag = '"' + hashlib.sha256(variant.encode()).hexdigest()[:40] + '"'
        last_modified = int(latest.timestamp()) if latest else None
        # ``If-None-Match: *`` asks whether the record exists at all: answer only once known.
        wildcard = request.headers.get("If-None-Match", "").strip() == "*"
        response = (
            None
            if wildcard
            else get_conditional_response(request, etag=etag, last_modified=last_modified)
        )
        if response is None:
            response = self._cached_response(etag, build_response)
            if wildcard and response.status_code == 200:
                response = get_conditional_response(request, etag=etag) or response
        if response.status_code in (200, 304):
            response["ETag"] = etag
            if last_modified is not None:
                response["Last-Modified"] = http_date(last_modified)
            response["Cache-Control"] = "private, no-cache"
            patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
        return response
