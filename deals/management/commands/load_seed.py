from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from deals.models import Source
from deals.seed.loader import SeedError, load_dataset, read_dataset


class Command(BaseCommand):
    help = (
        "Load the cited seed dataset. Creates missing records and brings records still as "
        "seeded up to date with the file; never overrides an editor: records changed, "
        "withdrawn or deleted since they were seeded are left as they are and listed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(settings.SEED_DATASET), help="YAML dataset file"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into a database holding no source yet.",
        )

    def handle(self, *args, path, **options):
        if options["if_empty"] and Source.objects.exists():
            self.stdout.write("The database already holds data: seed not loaded (--if-empty).")
            return
        try:
            report = load_dataset(read_dataset(Path(path)))
        except SeedError as exc:
            raise CommandError(f"Seed dataset refused, nothing loaded: {exc}") from None
        verbosity = options["verbosity"]
        lines = report.kept_lines(all_of_them=verbosity >= 2)
        if lines:
            self.stdout.write(
                self.style.WARNING("Left as editors left them (the file's version not applied):")
            )
            for line in lines:
                self.stdout.write(f"  {line}")
        if verbosity >= 1:
            self.stdout.write(report.summary())
            self.stdout.write(self.style.SUCCESS(f"Loaded {path}"))
