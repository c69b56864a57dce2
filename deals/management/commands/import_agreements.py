"""``manage.py import_agreements FILE [--commit] [--user NAME]``: the admin's import, for scripts.

Without ``--commit`` it is a dry run: every row is checked and reported, nothing
is written. With it, the rows are imported all or nothing (nothing at all if a
row has an error). The exit status is 1 when the file or a row is refused.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from deals.imports.importer import import_file
from deals.imports.limits import MAX_BYTES, too_large_message


class Command(BaseCommand):
    help = "Check (dry run) or import agreements, parties, amounts and citations from CSV/XLSX."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv or .xlsx file in the import template's format")
        parser.add_argument("--commit", action="store_true", help="Import (default: dry run)")
        parser.add_argument(
            "--user",
            help="Username recorded in the history; a publisher's import may publish. "
            "Without it, rows may only create drafts or records in review.",
        )

    def handle(self, *args, file, commit, user=None, **options):
        path = Path(file)
        try:
            if path.stat().st_size > MAX_BYTES:  # refused before it is read
                raise CommandError(f"{path.name}: {too_large_message()}")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        account = None
        if user:
            account = get_user_model()._default_manager.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user named {user!r}.")
        result = import_file(path.name, data, account, commit=commit)
        if result.file_error:
            raise CommandError(f"{path.name}: {result.file_error}")
        for row in result.rows:
            if row.ok:
                self.stdout.write(f"row {row.number}: ok — {'; '.join(row.actions)}")
            for column, message in row.errors:
                where = f" [{column}]" if column else ""
                self.stderr.write(f"row {row.number}{where}: {message}")
        failed = len(result.failed_rows)
        if failed:
            raise CommandError(
                f"{failed} of {len(result.rows)} row(s) refused; nothing was imported."
            )
        if result.committed:
            self.stdout.write(self.style.SUCCESS(f"Imported {len(result.rows)} row(s)."))
        else:
            self.stdout.write(f"Dry run: {len(result.rows)} row(s) would import (use --commit).")
