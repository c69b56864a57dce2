from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from deals.models import Source
from deals.seed.loader import SeedError, load_dataset, read_dataset


class Command(BaseCommand):
    help = "Load the cited seed dataset (idempotent: re-running applies edits, duplicates nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(settings.SEED_DATASET), help="YAML dataset file"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into a database holding no source yet (for deploys: a re-run "
            "must not overwrite corrections editors made to seeded records).",
        )

    def handle(self, *args, path, **options):
        if options["if_empty"] and Source.objects.exists():
            self.stdout.write("The database already holds data: seed not loaded (--if-empty).")
            return
        try:
            report = load_dataset(read_dataset(Path(path)))
        except SeedError as exc:
            raise CommandError(f"Seed dataset refused, nothing loaded: {exc}") from None
        if options["verbosity"] >= 1:
            self.stdout.write(report.summary())
            self.stdout.write(self.style.SUCCESS(f"Loaded {path}"))
