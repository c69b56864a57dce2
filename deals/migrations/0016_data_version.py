"""The data version: a few rows advanced by statement-level triggers (see ``DataVersion``).

Every writing statement on a table the API serves takes one of the rows (the
first no other transaction holds: ``FOR UPDATE SKIP LOCKED``, kept for the rest
of its transaction) and sets its ``everything`` to the next value of a
sequence, its ``published`` too unless the table is publishable; there an
``AFTER`` trigger with transition tables moves ``published`` only when a touched
row was or is published. Readers sum the rows: every commit raises the sum, and
concurrent writers hold different rows, so they never queue behind each other
(with more than ``STRIPES`` writers at once, the extra ones wait for a row).
A ``TRUNCATE`` of the rows (test flushes) is survived: the row is recreated.
"""

from django.db import migrations, models

# The tables of caching.VERSIONED as they are at this migration (m2m link tables follow).
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
]

STRIPES = 8

FUNCTIONS = f"""
CREATE SEQUENCE portal_data_version_seq;

CREATE FUNCTION portal_data_version_row() RETURNS smallint LANGUAGE plpgsql AS $$
DECLARE
    stripe smallint := nullif(current_setting('portal.data_version_row', true), '')::smallint;
BEGIN
    IF stripe IS NULL THEN
        SELECT id INTO stripe FROM deals_dataversion ORDER BY id LIMIT 1
            FOR UPDATE SKIP LOCKED;
        IF stripe IS NULL THEN  -- every row busy, or none left after a TRUNCATE
            stripe := 1 + pg_backend_pid() % {STRIPES};
        END IF;
        PERFORM set_config('portal.data_version_row', stripe::text, true);
    END IF;
    RETURN stripe;
END $$;

CREATE FUNCTION portal_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    drafts_possible boolean := TG_NARGS > 0;  -- publishable: published moves after the rows
BEGIN
    -- nextval in SET runs once the row is locked: larger than the value it replaces.
    INSERT INTO deals_dataversion AS v (id, everything, published, changed_at,
                                        published_changed_at)
    VALUES (portal_data_version_row(), nextval('portal_data_version_seq'),
            nextval('portal_data_version_seq'), clock_timestamp(), clock_timestamp())
    ON CONFLICT (id) DO UPDATE SET
        everything = nextval('portal_data_version_seq'),
        changed_at = clock_timestamp(),
        published = CASE WHEN drafts_possible THEN v.published
                         ELSE nextval('portal_data_version_seq') END,
        published_changed_at = CASE WHEN drafts_possible THEN v.published_changed_at
                                    ELSE clock_timestamp() END;
    RETURN NULL;
END $$;

CREATE FUNCTION portal_bump_published_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched boolean := false;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT EXISTS (SELECT 1 FROM old_rows WHERE publication = 'published') INTO touched;
    END IF;
    IF NOT touched AND TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT EXISTS (SELECT 1 FROM new_rows WHERE publication = 'published') INTO touched;
    END IF;
    IF touched THEN  -- the BEFORE trigger of this statement holds the row already
        UPDATE deals_dataversion
        SET published = nextval('portal_data_version_seq'),
            published_changed_at = clock_timestamp()
        WHERE id = portal_data_version_row();
    END IF;
    RETURN NULL;
END $$;

INSERT INTO deals_dataversion (id, everything, published, changed_at, published_changed_at)
SELECT stripe, 0, 0, clock_timestamp(), clock_timestamp()
FROM generate_series(1, {STRIPES}) AS stripe;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS portal_bump_published_version();
DROP FUNCTION IF EXISTS portal_bump_data_version();
DROP FUNCTION IF EXISTS portal_data_version_row();
DROP SEQUENCE IF EXISTS portal_data_version_seq;
"""

TRANSITIONS = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def versioned_tables(apps):
    """(table, publishable) for every versioned model and its auto-created link tables."""
    for label in VERSIONED:
        model = apps.get_model(label)
        names = {f.name for f in model._meta.concrete_fields}
        yield model._meta.db_table, "publication" in names
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                yield through._meta.db_table, False


def create_triggers(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, publishable in versioned_tables(apps):
        argument = "'drafts'" if publishable else ""
        schema_editor.execute(
            f"CREATE TRIGGER portal_data_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE"
            f" ON {quote(table)} FOR EACH STATEMENT"
            f" EXECUTE FUNCTION portal_bump_data_version({argument})"
        )
        if not publishable:
            continue
        for event, referencing in TRANSITIONS.items():
            schema_editor.execute(
                f"CREATE TRIGGER portal_published_version_{event} AFTER {event.upper()}"
                f" ON {quote(table)} {referencing} FOR EACH STATEMENT"
                f" EXECUTE FUNCTION portal_bump_published_version()"
            )


def drop_triggers(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, _ in versioned_tables(apps):
        for name in ["portal_data_version", *(f"portal_published_version_{e}" for e in TRANSITIONS)]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0015_seed_records"),
        ("deposits", "0003_sync_indexes_and_messages"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("everything", models.BigIntegerField(default=0)),
                ("published", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField(null=True)),
                ("published_changed_at", models.DateTimeField(null=True)),
            ],
        ),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
