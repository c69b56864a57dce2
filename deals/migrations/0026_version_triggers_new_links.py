"""The link tables 0025 added move the data version too (see 0016_data_version), so a
partner's ETag changes when an amount's "reported with" or a company's deposits change."""

from django.db import migrations

NEW_VERSIONED = ("deals_amount_reported_with", "deals_company_owned_deposits")


def version_triggers(apps, schema_editor):
    for table in NEW_VERSIONED:
        schema_editor.execute(
            "CREATE OR REPLACE TRIGGER portal_data_version"
            " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE"
            f" ON {schema_editor.quote_name(table)} FOR EACH STATEMENT"
            " EXECUTE FUNCTION portal_bump_data_version()"
        )


def drop_version_triggers(apps, schema_editor):
    for table in NEW_VERSIONED:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS portal_data_version ON {schema_editor.quote_name(table)}"
        )


class Migration(migrations.Migration):
    dependencies = [("deals", "0025_reported_amounts")]

    operations = [migrations.RunPython(version_triggers, drop_version_triggers)]
