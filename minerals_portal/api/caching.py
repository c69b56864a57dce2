"""Conditional GET: ``ETag`` and ``Last-Modified`` from the one-row data version.

The data version (``deals.models.DataVersion``) is advanced by database
triggers on every table the API reads (``VERSIONED`` and their link tables),
by any write whatever its path (the write layer, a bare ``QuerySet.update``,
raw SQL), and becomes visible when the write commits. Reading it is a
primary-key look-up of one row. Partners and the public read its
``published`` counter, which drafts being edited do not move.

Combined with the request's URL, format, language and whether drafts are
shown, the version gives the ETag; a request whose ``If-None-Match`` matches is
answered 304 before any serialization.
"""

import datetime as dt
import hashlib
import time

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Max, Subquery, Sum, Value
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from rest_framework.response import Response

# Every model whose rows appear in API answers (its table and link tables carry the
# data-version triggers of deals migration 0016; a model added here needs them too).
VERSIONED = [
    "deposits.Commodity",
    "deposits.Region",
    "deposits.Deposit",
    "deposits.DepositCommodity",
    "deposits.ResourceEstimate",
    "deals.Company",
    "deals.Ownership",
    "deals.Deal",
    "deals.Agreement",
    "deals.AgreementParty",
    "deals.Amount",
    "deals.ExchangeRate",
    "deals.Event",
    "deals.Source",
    "deals.Citation",
    "deals.Tombstone",
    "deals.FigureReport",
    "deals.StatusChange",
    "deals.Facility",
]


PREPARE_ONLY_WHEN_ASKED = 2**31

# (counter, its change time) on DataVersion, by ``published_only``.
_COLUMNS = {True: ("published", "published_changed_at"), False: ("everything", "changed_at")}


def _version_aggregates(published_only: bool) -> dict:
    counter, changed_at = _COLUMNS[published_only]
    return {"data_version": Sum(counter), "data_changed_at": Max(changed_at)}


def data_version(published_only: bool = False) -> tuple[str, dt.datetime | None]:
    """(version, latest change time) of everything the API serves, in one query."""
    from deals.models import DataVersion

    row = DataVersion.objects.aggregate(**_version_aggregates(published_only))
    return version_of(row["data_version"], row["data_changed_at"])


def version_annotations(published_only: bool = False) -> dict:
    """The data version as annotations, for a query that fetches it alongside other things.

    ``version_of(row.data_version, row.data_changed_at)`` turns them into the
    version; the API token look-up reads the published-only version this way
    (see ``remember_data_version``).
    """
    from deals.models import DataVersion

    rows = DataVersion.objects.annotate(all=Value(1)).values("all")  # one group: all rows
    return {
        name: Subquery(rows.annotate(value=aggregate).values("value"))
        for name, aggregate in _version_aggregates(published_only).items()
    }


def version_of(counter, changed_at) -> tuple[str, dt.datetime | None]:
    return str(counter or 0), changed_at


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

    Django's psycopg cursors bind parameters client-side, which cannot prepare;
    a plain psycopg cursor on the same connection can, and with persistent
    connections the plan is made once per connection. Behind a transaction-pooling
    PgBouncer (``DATABASE_TRANSACTION_POOLING``) a statement prepared on one server
    connection is unknown on the next, so the query then runs unprepared.
    """
    # Django health-checks a persistent connection when it opens its own cursor; this
    # plain cursor must ask too, or the first query after a database restart fails.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    started = time.monotonic()
    raw = connection.connection
    prepare = not settings.DATABASE_TRANSACTION_POOLING
    if prepare and raw.prepare_threshold is None:
        # Django opens connections with prepared statements switched off, which makes
        # psycopg ignore ``prepare=True`` too. A threshold no query reaches prepares
        # what asks for it (this) and nothing else: Django's cursors never prepare.
        raw.prepare_threshold = PREPARE_ONLY_WHEN_ASKED
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params, prepare=prepare)
        row = cursor.fetchall() if many else cursor.fetchone()
    if connection.queries_logged:  # counted like any query (debug pages, query-count tests)
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return row


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

    def etag_of(self, request, path: str, fingerprint: str) -> str:
        """The ETag of ``path``'s answer to this reader at data version ``fingerprint``."""
        variant = "|".join(
            [
                fingerprint,
                path,
                request.accepted_media_type or "",
                translation.get_language() or "",
                timezone.get_current_timezone_name(),
                "drafts" if self.show_drafts else "published",
            ]
        )
        return '"' + hashlib.sha256(variant.encode()).hexdigest()[:40] + '"'

    def detail_etag(self, instance) -> str:
        """The ETag a ``GET`` of ``instance``'s detail URL answers now (for write answers)."""
        kwarg = self.lookup_url_kwarg or self.lookup_field
        path = reverse(
            f"api:{self.basename}-detail", kwargs={kwarg: getattr(instance, self.lookup_field)}
        )
        fingerprint, _ = data_version(published_only=not self.show_drafts)
        return self.etag_of(self.request, path, fingerprint)

    def conditional(self, request, build_response):
        fingerprint, latest = request_data_version(request, published_only=not self.show_drafts)
        etag = self.etag_of(request, request.get_full_path(), fingerprint)
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
