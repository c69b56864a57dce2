"""The data version: one row advanced by statement-level triggers (see ``DataVersion``).

Every writing statement on a table the API serves takes the next value of a
sequence (a ``TRUNCATE`` of the version row, as test flushes do, never makes a
value repeat) and stores it in ``everything``; in ``published`` too, unless the
table is publishable, where an ``AFTER`` trigger with transition tables moves
``published`` only when a touched row was or is published. The ``BEFORE``
trigger takes the row lock before the statement locks any row of its own, so
two writers always queue in the same order.
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

FUNCTIONS = """
CREATE SEQUENCE portal_data_version_seq;

CREATE FUNCTION portal_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    next_value bigint := nextval('portal_data_version_seq');
    drafts_possible boolean := TG_NARGS > 0;  -- publishable: published moves after the rows
BEGIN
    INSERT INTO deals_dataversion AS v (id, everything, published, changed_at,
                                        published_changed_at)
    VALUES (1, next_value, next_value, clock_timestamp(), clock_timestamp())
    ON CONFLICT (id) DO UPDATE SET
        everything = next_value,
        changed_at = clock_timestamp(),
        published = CASE WHEN drafts_possible THEN v.published ELSE next_value END,
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
    IF touched THEN
        UPDATE deals_dataversion
        SET published = nextval('portal_data_version_seq'),
            published_changed_at = clock_timestamp()
        WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;

INSERT INTO deals_dataversion (id, everything, published, changed_at, published_changed_at)
VALUES (1, nextval('portal_data_version_seq'), currval('portal_data_version_seq'),
        clock_timestamp(), clock_timestamp());
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS portal_bump_published_version();
DROP FUNCTION IF EXISTS portal_bump_data_version();
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
