"""The seed dataset loaded once per test session, then copied back in where a test needs it.

Loading through the loader takes seconds (validation, history, the derived views); about a
hundred tests and every browser test start from the seeded world. The first load of a
session is the real one (the loader's own tests keep calling it); its rows, every table's,
are kept as ``COPY`` data, and later tests get the same rows back in a fraction of a second.

Two copies are kept: one taken inside a test's transaction (the derived views are not
refreshed there: nothing commits) and one taken after a commit (views refreshed), so each
kind of test sees what a real load would have given it.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

BINARY_EMPTY = 21  # a binary COPY of no rows: header (19 bytes) and trailer (2)
_copies: dict[bool, tuple[dict[str, bytes], object]] = {}


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _capture() -> dict[str, bytes]:
    rows = {}
    with connection.cursor() as cursor:
        for table in _tables():
            quoted = connection.ops.quote_name(table)
            with cursor.copy(f"COPY {quoted} TO STDOUT (FORMAT binary)") as copy:
                data = b"".join(bytes(block) for block in copy)
            if len(data) > BINARY_EMPTY:
                rows[table] = data
    return rows


def _restore(rows: dict[str, bytes]) -> None:
    """Empty every table and copy the rows back; triggers and foreign-key checks stay off
    while copying (the rows were consistent when taken), sequences move past them. What a
    fixture made before this runs is gone: ask for the seeded world first."""
    tables = ", ".join(connection.ops.quote_name(t) for t in _tables())
    models = apps.get_models(include_auto_created=True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"TRUNCATE {tables}")
        for table, data in rows.items():
            quoted = connection.ops.quote_name(table)
            with cursor.copy(f"COPY {quoted} FROM STDIN (FORMAT binary)") as copy:
                copy.write(data)
        cursor.execute("".join(connection.ops.sequence_reset_sql(no_style(), models)))
        # Inside a test's transaction SET LOCAL would outlive this savepoint: triggers back on.
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    ContentType.objects.clear_cache()  # the copy's content type ids may differ...
    ContentType.objects.get_for_models(*apps.get_models())  # ...and a load leaves them cached


def load_seed():
    """The seeded world, as ``load_dataset`` leaves it; returns its load report."""
    from deals.seed.loader import load_dataset, read_dataset

    committed = not connection.in_atomic_block
    if committed in _copies:
        rows, report = _copies[committed]
        _restore(rows)
        return report
    report = load_dataset(read_dataset(settings.SEED_DATASET))
    _copies[committed] = (_capture(), report)
    return report
