"""Benchmark the analyst pages against the partner API in the same run (``make bench``).

Generates a synthetic world with 100k agreements in the benchmark database,
refreshes the derived views, then times each request's server time (Django
test client, no network) several times and reports medians and the ratio of
each page to the API agreements list, the floor measured in the same run.
Each request is timed cold (the cache cleared before every request: the work a
changed dataset costs) and warm (the cache kept: what a reader gets while the
data stands still).
"""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings

from deals import synthetic
from deals.models import TimelineTotals
from deals.tasks import refresh_now

TARGETS = {"timeline (first page)": 2.0}


class Command(BaseCommand):
    help = "Time the timeline and dashboard pages against the API list on 100k agreements."

    def add_arguments(self, parser):
        parser.add_argument("--agreements", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument(
            "--reuse-data", action="store_true",
            help="time the synthetic data already in the database instead of generating it",
        )  # fmt: skip

    def handle(self, *args, agreements, repeat, reuse_data, **options):
        try:
            synthetic.check_database()
        except synthetic.NotABenchmarkDatabase as exc:
            raise CommandError(str(exc)) from None
        if not reuse_data:
            synthetic.generate(amounts=agreements * 2, agreements=agreements, events=agreements)
        refresh_now()
        # The test client's host, without setup_test_environment(): that instruments every
        # template rendering (a signal and a copy of the context each), which a server does
        # not pay and which would weigh on template-rendered pages only.
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            self._report(agreements, repeat)

    def _report(self, agreements, repeat):
        partner, _ = get_user_model().objects.get_or_create(username="bench-partner")
        partner.groups.add(Group.objects.get(name="partner"))
        api_client, page_client = Client(), Client()  # a partner; the public
        api_client.force_login(partner)
        requests = {
            "API /api/v1/agreements/": "/api/v1/agreements/",
            "timeline (first page)": "/",
            "timeline (filtered)": "/?commodity=syn-commodity-3&date_after=2020",
            "dashboard": "/dashboard/",
        }
        medians = {}
        for label, url in requests.items():
            client = api_client if url.startswith("/api/") else page_client
            medians[label] = self._medians(client, url, repeat)
        # Between a change and its refresh the timeline reads its counts and entries live.
        TimelineTotals.objects.update(data_version="")
        medians["timeline (first page, live)"] = self._medians(page_client, "/", repeat)
        floor = medians["API /api/v1/agreements/"][0]
        self.stdout.write(f"{agreements} agreements, {agreements * 2} amounts, {agreements} events")
        self.stdout.write(
            f"{'request':28s} {'cold ms':>8} {'warm ms':>8} {'cold × API list':>16}  target"
        )
        for label, (cold, warm) in medians.items():
            target = TARGETS.get(label)
            verdict = "" if target is None else (
                f"≤ {target}× {'met' if cold / floor <= target else 'MISSED'}"
            )  # fmt: skip
            self.stdout.write(
                f"{label:28s} {cold * 1000:>8.1f} {warm * 1000:>8.1f} {cold / floor:>16.2f}  "
                f"{verdict}"
            )
        self.stdout.write(
            "“first page” is served from the refreshed TimelineTotals; “first page, live” is the "
            "same page between a change and the refresh it triggers."
        )

    def _medians(self, client, url: str, repeat: int) -> tuple[float, float]:
        """Median server time (cold, warm): cold clears the cache before each request."""
        cold = self._median(client, url, repeat, clear=True)
        return cold, self._median(client, url, repeat, clear=False)

    @staticmethod
    def _median(client, url: str, repeat: int, clear: bool) -> float:
        times = []
        for _ in range(repeat + 1):
            if clear:
                cache.clear()
            started = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT="application/json, text/html")
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        return statistics.median(times[1:])  # the first run warms caches
