"""Benchmark the derived-view refresh on synthetic data (run by ``make bench``).

Each size is generated deterministically into the benchmark database (never
the real one), then the full refresh is timed and compared with a floor
measured in the same run: one sequential scan summing every amount. While a
refresh runs, a second connection reads a view in a loop; the benchmark
reports how many reads it made, the slowest read, and whether any read failed
or saw an empty view.
"""

import statistics
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from deals import synthetic
from deals.models import CommittedByDeposit
from deals.tasks import refresh_now


def floor_seconds() -> float:
    """The cheapest honest comparison: scan and sum all amounts once."""
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT COUNT(*), SUM(value) FROM deals_amount")
        cursor.fetchone()
        return time.perf_counter() - started


class Reader(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.reads, self.errors, self.empty, self.slowest = 0, 0, 0, 0.0

    def run(self):
        try:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    rows = CommittedByDeposit.objects.count()
                    total = sum(r.committed_usd for r in CommittedByDeposit.objects.all()[:50])
                except Exception:
                    self.errors += 1
                    continue
                self.slowest = max(self.slowest, time.perf_counter() - started)
                self.reads += 1
                if rows == 0 or total == 0:
                    self.empty += 1
                time.sleep(0.01)
        finally:
            connections.close_all()


class Command(BaseCommand):
    help = "Time the full derived-view refresh at several synthetic sizes."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10000,100000,1000000")
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, sizes, repeat, **options):
        try:
            synthetic.check_database()
        except synthetic.NotABenchmarkDatabase as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{'amounts':>9} {'refresh s':>10} {'floor s':>8} {'ratio':>7} "
            f"{'reads':>6} {'slowest read ms':>16} {'errors':>6} {'empty':>5}"
        )
        for size in (int(s) for s in sizes.split(",")):
            gen_started = time.perf_counter()
            synthetic.generate(amounts=size)
            generated = time.perf_counter() - gen_started
            refresh_now()  # warm caches; the first refresh also fills the views
            floor = min(floor_seconds() for _ in range(repeat))
            runs, reader = [], Reader()
            reader.start()
            for _ in range(repeat):
                runs.append(refresh_now()["total"])
            reader.stop.set()
            reader.join()
            best = min(runs)
            self.stdout.write(
                f"{size:>9} {best:>10.2f} {floor:>8.3f} {best / floor:>7.1f} "
                f"{reader.reads:>6} {reader.slowest * 1000:>16.1f} {reader.errors:>6} "
                f"{reader.empty:>5}   (median {statistics.median(runs):.2f} s; "
                f"generated in {generated:.1f} s)"
            )
