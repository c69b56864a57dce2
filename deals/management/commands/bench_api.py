"""Benchmark the partner API against raw-SQL floors in the same run (``make bench``).

Generates a synthetic world with 100k agreements in the benchmark database,
then, as a partner authenticated with an API token (the real partner path),
measures the server time (Django test client, no network) of:

* the agreements list at page size 100, against a floor: the same 101 rows
  (a cursor page fetches one more) with the same fields, nested briefs built
  by JSON aggregation, in one raw SQL query through psycopg, serialized with
  orjson (its results are checked to equal the API's);
* the conventional DRF peer of that list: ``ModelSerializer`` over the same 101 rows
  fetched with ``select_related``/``prefetch_related``, rendered by DRF's
  ``JSONRenderer`` (no HTTP stack, so the comparison favours the peer);
* an agreement's detail;
* a 304 revalidation (``If-None-Match``): its SQL queries and its time;
* the CSV export of every agreement (``?format=csv``, the streamed body
  consumed), against a floor: the same rows and columns from one raw SQL
  query (a server-side cursor) written with Python's csv module (its bytes
  are checked to equal the API's); and the export's peak memory, measured
  twice: the tracemalloc peak (Python allocations during one export) and the
  growth of the process's resident-set high-water mark over one export (VmHWM,
  reset first through /proc/self/clear_refs; it understates when the export
  reuses memory the process freed before). The 300 MB target applies to the
  larger of the two.

The floors run on their own psycopg connection without prepared statements,
planning each query as Django's queries are planned. Each figure is the median
of several runs after a warm-up run, floor and API runs alternating; the cache
is cleared before each request, so the list and detail are uncached server time.
"""

import base64
import datetime as dt
import gc
import hashlib
import statistics
import time
import tracemalloc
from pathlib import Path

import orjson
import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from deals import synthetic
from deals.api.rows import loose_date
from deals.api.serializers import AgreementListSerializer
from deals.api.views import AgreementViewSet
from deals.representations.agreement import AgreementRepresentation
from minerals_portal.api.fields import iso_datetime
from minerals_portal.api.renderers import csv_writer
from minerals_portal.api.tokens import issue_token

LIST_URL = "/api/v1/agreements/?page_size=100"
CSV_URL = "/api/v1/agreements/?format=csv"
MB = 1024 * 1024

# What a partner sees: published agreements of published deals, in the list's default
# order (updated_at, id). Party order is the API's: stake (largest first), company name, id.
VISIBLE = """FROM deals_agreement a JOIN deals_deal d ON d.id = a.deal_id
    WHERE a.publication = 'published' AND d.publication = 'published'"""
PARTY_ORDER = "p.stake DESC NULLS LAST, c.name, p.id"

LIST_FLOOR_SQL = f"""
SELECT a.slug, a.title, json_build_object('slug', d.slug, 'name', d.name,
    'publication', d.publication),
  a.kind, a.status, a.binding, a.announced_on, a.announced_on_precision, a.signed_on,
  a.signed_on_precision, a.venue, a.publication,
  (SELECT COALESCE(json_agg(json_build_object('id', p.id,
      'company', json_build_object('slug', c.slug, 'name', c.name, 'kind', c.kind,
        'country', c.country),
      'role', p.role, 'stake', p.stake::text,
      'held_via', CASE WHEN h.id IS NULL THEN NULL ELSE json_build_object('slug', h.slug,
        'name', h.name, 'kind', h.kind, 'country', h.country) END) ORDER BY {PARTY_ORDER}),
      '[]')
    FROM deals_agreementparty p JOIN deals_company c ON c.id = p.company_id
    LEFT JOIN deals_company h ON h.id = p.held_via_id WHERE p.agreement_id = a.id),
  (SELECT COALESCE(json_agg(json_build_object('slug', x.slug, 'name', x.name)
      ORDER BY x.name, x.id), '[]')
    FROM deals_agreement_deposits l JOIN deposits_deposit x ON x.id = l.deposit_id
    WHERE l.agreement_id = a.id),
  (SELECT COALESCE(json_agg(json_build_object('slug', x.slug, 'name', x.name, 'code', x.code)
      ORDER BY x.name, x.id), '[]')
    FROM deals_agreement_commodities l JOIN deposits_commodity x ON x.id = l.commodity_id
    WHERE l.agreement_id = a.id),
  a.updated_at, a.id, a.title_ru
{VISIBLE}
ORDER BY a.updated_at, a.id LIMIT 101
"""

CSV_FLOOR_SQL = f"""
SELECT a.slug, a.title, d.slug, d.name, a.kind, a.status, a.binding, a.announced_on,
  a.announced_on_precision, a.signed_on, a.signed_on_precision, a.venue, a.publication,
  pa.companies, pa.roles, pa.stakes, pa.held_via,
  (SELECT string_agg(x.slug, '; ' ORDER BY x.name, x.id)
    FROM deals_agreement_deposits l JOIN deposits_deposit x ON x.id = l.deposit_id
    WHERE l.agreement_id = a.id),
  (SELECT string_agg(x.slug, '; ' ORDER BY x.name, x.id)
    FROM deals_agreement_commodities l JOIN deposits_commodity x ON x.id = l.commodity_id
    WHERE l.agreement_id = a.id),
  a.updated_at, a.id, a.title_ru
FROM deals_agreement a JOIN deals_deal d ON d.id = a.deal_id
LEFT JOIN LATERAL (
  SELECT string_agg(c.slug, '; ' ORDER BY {PARTY_ORDER}) AS companies,
    string_agg(p.role, '; ' ORDER BY {PARTY_ORDER}) AS roles,
    string_agg(COALESCE(p.stake::text, ''), '; ' ORDER BY {PARTY_ORDER}) AS stakes,
    string_agg(COALESCE(h.slug, ''), '; ' ORDER BY {PARTY_ORDER}) AS held_via
  FROM deals_agreementparty p JOIN deals_company c ON c.id = p.company_id
  LEFT JOIN deals_company h ON h.id = p.held_via_id WHERE p.agreement_id = a.id
) pa ON true
WHERE a.publication = 'published' AND d.publication = 'published'
ORDER BY a.updated_at, a.id
"""

HEADERS = [header for header, _ in AgreementRepresentation.csv_columns()]
PEER_SPEEDUP = 2.5  # the API list is at least this much faster than the DRF peer
TARGETS = {  # label: (measured against, at most)
    "API list (100 rows)": ("floor: list", 2.0),
    "API CSV export": ("floor: CSV", 1.5),
}


def _rss_high_water_reset() -> int | None:
    """Reset the resident-set high-water mark (Linux); the current RSS in bytes."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_bytes("VmRSS")
    except OSError:
        return None


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise OSError(field)


class _NoDigest:
    def update(self, data):
        pass


class Command(BaseCommand):
    help = "Time the agreements API (list, detail, 304, CSV) against raw-SQL floors."

    def add_arguments(self, parser):
        parser.add_argument("--agreements", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument("--csv-repeat", type=int, default=3)
        parser.add_argument(
            "--keep-data",
            action="store_true",
            help="Reuse the synthetic data already in the benchmark database.",
        )

    def handle(self, *args, agreements, repeat, csv_repeat, keep_data, **options):
        try:
            synthetic.check_database()
        except synthetic.NotABenchmarkDatabase as exc:
            raise CommandError(str(exc)) from None
        setup_test_environment()
        settings.DEBUG = False  # as in production: no query log kept in memory
        if not keep_data:
            synthetic.generate(amounts=agreements * 2, agreements=agreements, events=agreements)
        partner, _ = get_user_model().objects.get_or_create(username="bench-api-partner")
        partner.groups.add(Group.objects.get(name="partner"))
        _, key = issue_token(partner, name="bench_api")
        self.client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        dsn = connection.get_connection_params()
        for name in ("cursor_factory", "context"):
            dsn.pop(name, None)
        # Plans made per query (no prepared statements), as Django's queries are.
        dsn["prepare_threshold"] = None
        self.floor_db = psycopg.connect(**dsn, autocommit=True)
        self.repeat = repeat

        medians, notes = {}, {}
        self.check_floor_matches()
        medians["floor: list"], medians["API list (100 rows)"], medians["DRF peer: list"] = (
            self.medians(self.list_floor, lambda: self.get(LIST_URL), self.drf_peer)
        )
        slug = self.client.get(LIST_URL).json()["results"][50]["slug"]
        detail_url = f"/api/v1/agreements/{slug}/"
        medians["API detail"] = self.median(lambda: self.get(detail_url))
        queries, medians["API 304 revalidation"] = self.revalidation()
        count = len(queries)
        notes["API 304 revalidation"] = f"{count} SQL quer{'y' if count == 1 else 'ies'}"

        self.repeat = csv_repeat
        floor_rows, floor_digest = self.csv_floor(check=True)
        api_rows, api_digest = self.get(CSV_URL, check=True)
        if (floor_rows, floor_digest) != (api_rows, api_digest):
            raise CommandError(f"CSV: the floor's {floor_rows} rows differ from the API's")
        medians["floor: CSV"], medians["API CSV export"] = self.medians(
            self.csv_floor, lambda: self.get(CSV_URL)
        )
        floor_memory = self.peak_memory(self.csv_floor)
        api_memory = self.peak_memory(lambda: self.get(CSV_URL))

        self.report(agreements, medians, notes, queries, api_rows, floor_memory, api_memory)
        self.floor_db.close()

    # --- measuring ------------------------------------------------------------------
    def median(self, run) -> float:
        return self.medians(run)[0]

    def medians(self, *runs) -> list[float]:
        """Each run's median time; runs alternate, so a busy machine slows them alike."""
        times = [[] for _ in runs]
        for _ in range(self.repeat + 1):
            for run, taken in zip(runs, times, strict=True):
                cache.clear()  # uncached server time (and fresh throttle counts)
                gc.collect()
                started = time.perf_counter()
                run()
                taken.append(time.perf_counter() - started)
        return [statistics.median(t[1:] or t) for t in times]  # the first run warms caches

    def get(self, url: str, expected: int = 200, check: bool = False, **headers):
        """The response; for a streamed one, its row count (with ``check``, and SHA-256)."""
        response = self.client.get(url, **headers)
        if response.status_code != expected:
            raise CommandError(f"{url} answered {response.status_code}, not {expected}")
        if not response.streaming:
            return response
        lines, digest = 0, hashlib.sha256() if check else _NoDigest()
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
            digest.update(chunk)
        response.close()
        lines -= 1  # the header line
        return (lines, digest.hexdigest()) if check else lines

    def revalidation(self):
        etag = self.client.get(LIST_URL)["ETag"]
        self.get(LIST_URL, 304, HTTP_IF_NONE_MATCH=etag)  # the token's last use is stamped
        with CaptureQueriesContext(connection) as captured:
            self.get(LIST_URL, 304, HTTP_IF_NONE_MATCH=etag)
        queries = [q["sql"] for q in captured.captured_queries]  # before the next request
        seconds = self.median(lambda: self.get(LIST_URL, 304, HTTP_IF_NONE_MATCH=etag))
        return queries, seconds

    def peak_memory(self, run) -> tuple[float, float | None]:
        """(tracemalloc peak, resident-set high-water growth) of one run, in bytes."""
        cache.clear()
        gc.collect()
        before = _rss_high_water_reset()
        run()
        rss = _status_bytes("VmHWM") - before if before is not None else None
        gc.collect()
        tracemalloc.start()
        run()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return peak, rss

    # --- floors ---------------------------------------------------------------------
    def list_floor(self) -> bytes:
        date = loose_date  # the API's own (cached) date formatting
        with self.floor_db.cursor() as cursor:
            cursor.execute(LIST_FLOOR_SQL, prepare=False)
            rows = cursor.fetchall()
        results = [
            {
                "id": r[16],
                "slug": r[0],
                "title": r[1],
                "title_ru": r[17],
                "deal": r[2],
                "kind": r[3],
                "status": r[4],
                "binding": r[5],
                "announced": date(r[6], r[7]),
                "signed": date(r[8], r[9]),
                "venue": r[10],
                "publication": r[11],
                "parties": r[12],
                "deposits": r[13],
                "commodities": r[14],
                "updated_at": iso_datetime(r[15], dt.UTC),  # the API's timestamps: UTC, Z
            }
            for r in rows[:100]
        ]
        # A next link as long as the API's: a cursor naming the position after the page.
        after = base64.urlsafe_b64encode(f"p={rows[99][15].isoformat()}".encode()).decode()
        page = {"next": f"http://testserver{LIST_URL}&cursor={after}", "previous": None}
        return orjson.dumps({**page, "results": results})

    def drf_peer(self) -> bytes:
        """The list as DRF is usually written: a ``ModelSerializer`` over prefetched rows."""
        viewset = AgreementViewSet()
        viewset.action, viewset.show_drafts = "list", False
        rows = list(viewset.get_queryset().order_by("updated_at", "id")[:101])
        with timezone.override(dt.UTC):  # as the API's middleware serves every answer
            results = AgreementListSerializer(rows[:100], many=True).data
        page = {"next": f"http://testserver{LIST_URL}&cursor=x", "previous": None}
        return JSONRenderer().render({**page, "results": results})

    def check_floor_matches(self):
        api = self.client.get(LIST_URL).json()
        floor = orjson.loads(self.list_floor())
        if api["results"] != floor["results"]:
            raise CommandError("the list floor's rows differ from the API's")
        if api["results"] != orjson.loads(self.drf_peer())["results"]:
            raise CommandError("the DRF peer's rows differ from the API's")

    def csv_floor(self, check: bool = False):
        """The CSV rows (with ``check``, also the body's SHA-256)."""
        writer = csv_writer()
        rows, digest = 0, hashlib.sha256() if check else _NoDigest()
        flag = {True: "true", False: "false", None: ""}
        with self.floor_db.transaction(), self.floor_db.cursor(name="csv_floor") as cursor:
            cursor.itersize = 2000
            cursor.execute(CSV_FLOOR_SQL)
            digest.update(writer.writerow(HEADERS).encode())
            for r in cursor:
                line = writer.writerow(
                    [
                        r[20],
                        r[0],
                        r[1],
                        r[21],
                        r[2],
                        r[3],
                        r[4],
                        r[5],
                        flag[r[6]],
                        r[7].isoformat() if r[7] else "",
                        r[8],
                        r[9].isoformat() if r[9] else "",
                        r[10],
                        r[11],
                        r[12],
                        r[13] or "",
                        r[14] or "",
                        r[15] or "",
                        r[16] or "",
                        r[17] or "",
                        r[18] or "",
                        iso_datetime(r[19], dt.UTC),
                    ]
                )
                digest.update(line.encode())
                rows += 1
        return (rows, digest.hexdigest()) if check else rows

    # --- the table ------------------------------------------------------------------
    def report(self, agreements, medians, notes, queries, csv_rows, floor_memory, api_memory):
        write = self.stdout.write
        write(f"{agreements} agreements, {agreements * 2} amounts, {agreements} events")
        write(f"{'measurement':26s} {'median ms':>10} {'× floor':>8}  target")
        for label, seconds in medians.items():
            against, limit = TARGETS.get(label, (None, None))
            ratio = seconds / medians[against] if against else None
            verdict = notes.get(label, "")
            if ratio is not None:
                verdict = f"≤ {limit}× {'met' if ratio <= limit else 'MISSED'}"
            if label == "API 304 revalidation":
                verdict += f"; ≤ 1 {'met' if len(queries) <= 1 else 'MISSED'}"
            shown = f"{ratio:>8.2f}" if ratio is not None else f"{'':>8}"
            write(f"{label:26s} {seconds * 1000:>10.1f} {shown}  {verdict}")
        speedup = medians["DRF peer: list"] / medians["API list (100 rows)"]
        verdict = "met" if speedup >= PEER_SPEEDUP else "MISSED"
        write(f"API list {speedup:.2f}× faster than the DRF peer  ≥ {PEER_SPEEDUP}× {verdict}")
        write(f"CSV export: {csv_rows} rows")
        for label, (peak, rss) in (("floor", floor_memory), ("API", api_memory)):
            worst = max(peak, rss or 0)
            verdict = f"< 300 MB {'met' if worst < 300 * MB else 'MISSED'}"
            rss_text = f"{rss / MB:.1f} MB" if rss is not None else "n/a"
            write(
                f"CSV {label} peak memory: tracemalloc {peak / MB:.1f} MB, "
                f"resident-set growth {rss_text}  {verdict}"
            )
        if len(queries) > 1:
            write("304 queries:")
            for sql in queries:
                write(f"  {sql[:120]}")
