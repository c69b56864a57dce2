"""Benchmark the change feed at 1M entries against a raw-SQL floor (``make bench``).

Generates a synthetic world (``deals.synthetic``, benchmark databases only),
sequences it into feed entries (real list forms of real records) and repeats
those entries until the feed holds ``--changes`` of them. Then, as a partner
with an API token, measures through the Django test client (server time, no
network):

* the latency of one page (``page_size=500``) at the start, middle and end of
  the feed, against a floor: the same rows by one raw SQL query through psycopg,
  the stored JSON embedded as text (never decoded) by orjson;
* the read rate (changes per second) of a partner following the feed from a
  position through ``--read`` entries, against the floor reading the same pages.

Each figure is the median of several runs after a warm-up, floor and API
alternating.
"""

import statistics
import time

import orjson
import psycopg
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

from deals import synthetic
from deals.api.feed import RESOURCES
from deals.models import Change
from deals.services.changes import sequence
from minerals_portal.api.tokens import issue_token

PAGE = 500
FLOOR_SQL = """
SELECT position, resource, object_id AS id, slug, event, at, data::text AS data
FROM deals_change WHERE position > %s ORDER BY position LIMIT %s
"""


class Command(BaseCommand):
    help = "Benchmark /api/v1/changes/ at 1M entries against a raw-SQL floor."

    def add_arguments(self, parser):
        parser.add_argument("--changes", type=int, default=1_000_000)
        parser.add_argument("--agreements", type=int, default=10_000)
        parser.add_argument("--read", type=int, default=50_000)
        parser.add_argument("--repeat", type=int, default=7)
        parser.add_argument(
            "--keep-data",
            action="store_true",
            help="Reuse the feed already in the benchmark database.",
        )

    def handle(self, *args, changes, agreements, read, repeat, keep_data, **options):
        try:
            synthetic.check_database()
        except synthetic.NotABenchmarkDatabase as exc:
            raise CommandError(str(exc)) from None
        setup_test_environment()
        self.repeat = repeat
        started = time.perf_counter()
        if keep_data:
            self.total = Change.objects.count()
        else:
            synthetic.generate(amounts=agreements * 2, agreements=agreements, events=agreements)
            self.fill(changes)
        self.stdout.write(
            f"feed of {self.total:,} changes ready in {time.perf_counter() - started:.0f} s"
        )

        partner, _ = get_user_model().objects.get_or_create(username="bench-feed-partner")
        partner.groups.add(Group.objects.get(name="partner"))
        _, key = issue_token(partner, name="bench_feed")
        self.client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        dsn = connection.get_connection_params()
        for name in ("cursor_factory", "context"):
            dsn.pop(name, None)
        dsn["prepare_threshold"] = None  # plans made per query, as Django's are
        self.floor_db = psycopg.connect(**dsn, autocommit=True)

        first, last = self.bounds()
        self.check_floor_matches(first - 1)
        rows = [("page of 500", "floor (ms)", "API (ms)", "API/floor")]
        for label, after in (("start", first - 1), ("middle", (first + last) // 2),
                             ("end", last - PAGE)):  # fmt: skip
            floor, api = self.medians(
                lambda a=after: self.floor_page(a), lambda a=after: self.api_page(a)
            )
            rows.append((label, f"{floor * 1000:.1f}", f"{api * 1000:.1f}", f"{api / floor:.2f}"))
        middle = (first + last) // 2
        self.repeat = max(1, repeat // 3)
        floor, api = self.medians(
            lambda: self.follow(self.floor_page, middle, read),
            lambda: self.follow(self.api_page, middle, read),
        )
        self.report(rows, read, floor, api)
        self.floor_db.close()

    # --- the data -------------------------------------------------------------------
    def fill(self, changes: int) -> None:
        # The generator writes with the tables' triggers off: note every record here.
        with connection.cursor() as cursor:
            for resource, view_set in RESOURCES.items():
                table = view_set.queryset.model._meta.db_table
                cursor.execute(
                    "INSERT INTO deals_changenote (xid, resource, ref)"
                    f" SELECT 0, %s, id::text FROM {table}",
                    [resource],
                )
        while sequence():
            pass
        base = Change.objects.count()
        if base == 0:
            raise CommandError("the synthetic world gave no feed entries")
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO deals_change (resource, object_id, slug, event, data, at)
                   SELECT c.resource, c.object_id, c.slug, 'updated', c.data, now()
                   FROM generate_series(1, %s) AS round, deals_change c
                   WHERE c.position <= %s
                   ORDER BY round, c.position
                   LIMIT %s""",
                [changes // base + 1, base, max(changes - base, 0)],
            )
            cursor.execute("ANALYZE deals_change")
        self.total = Change.objects.count()

    def bounds(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(position), max(position) FROM deals_change")
            return cursor.fetchone()

    # --- the two readers ------------------------------------------------------------
    def floor_page(self, after: int):
        cursor = self.floor_db.cursor(row_factory=psycopg.rows.dict_row)
        rows = cursor.execute(FLOOR_SQL, [after, PAGE]).fetchall()
        for row in rows:  # the stored JSON text, embedded as it is
            row["data"] = orjson.Fragment(row["data"] or "null")
        body = orjson.dumps({"results": rows}, option=orjson.OPT_UTC_Z)
        return (rows[-1]["position"] if rows else after), len(rows), body

    def api_page(self, after: int):
        response = self.client.get("/api/v1/changes/", {"after": after, "page_size": PAGE})
        if response.status_code != 200:
            raise CommandError(f"the feed answered {response.status_code}")
        page = orjson.loads(response.content)
        return page["last_position"], len(page["results"]), response.content

    def follow(self, reader, after: int, count: int) -> int:
        seen = 0
        while seen < count:
            after, got, _ = reader(after)
            if not got:
                break
            seen += got
        return seen

    def check_floor_matches(self, after: int) -> None:
        floor = orjson.loads(self.floor_page(after)[2])["results"]
        api = orjson.loads(self.api_page(after)[2])["results"]
        strip = [{k: v for k, v in e.items() if k != "at"} for e in floor]
        if strip != [{k: v for k, v in e.items() if k != "at"} for e in api]:
            raise CommandError("the floor's page differs from the API's")

    def medians(self, *runs):
        times = [[] for _ in runs]
        for _ in range(self.repeat + 1):
            for run, taken in zip(runs, times, strict=True):
                cache.clear()
                started = time.perf_counter()
                run()
                taken.append(time.perf_counter() - started)
        return [statistics.median(t[1:] or t) for t in times]

    def report(self, rows, read, floor, api):
        width = [max(len(r[i]) for r in rows) for i in range(4)]
        for row in rows:
            self.stdout.write("  ".join(cell.rjust(w) for cell, w in zip(row, width, strict=True)))
        self.stdout.write(
            f"read rate over {read:,} changes: floor {read / floor:,.0f}/s, "
            f"API {read / api:,.0f}/s (API/floor time {api / floor:.2f})"
        )
