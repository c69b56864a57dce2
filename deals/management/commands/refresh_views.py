from django.core.management.base import BaseCommand, CommandError

from deals.aggregates import RefreshBusy
from deals.tasks import refresh_now


class Command(BaseCommand):
    help = "Rebuild every derived view now and print the time each took."

    def handle(self, *args, **options):
        try:
            timings = refresh_now()
        except RefreshBusy as exc:
            raise CommandError(f"{exc}; try again in a moment") from None
        for name, seconds in timings.items():
            self.stdout.write(f"{name:28s} {seconds * 1000:9.1f} ms")
