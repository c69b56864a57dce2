"""The ``publisher`` group, and the database's refusal of uncited published records.

* ``publisher``: everything an editor may do, plus ``deals.publish`` (publish and
  withdraw deals, agreements, amounts and events).
* On PostgreSQL, deferred constraint triggers check at commit that every
  published deal, agreement, amount and event has at least one citation, and
  refuse removing (or moving away) the last citation of a published record.
  Being deferred, a record and its citations may be written in any order
  within one transaction. The admin, the API and the import check the same rule
  first, with friendly messages; this is the backstop for every other path.
  Synthetic benchmark data (never real) may switch the check off for its own
  transaction with ``SET LOCAL deals.skip_citation_check = 'on'``.
"""

from django.db import migrations

from deals.roles import EDITOR, create_permissions_in, in_state, permission_codenames

PUBLISHER = "publisher"

PG_FORWARD = """
CREATE FUNCTION deals_published_is_cited(tbl text, model_name text, record_id bigint)
RETURNS void AS $$
DECLARE state text;
BEGIN
    IF current_setting('deals.skip_citation_check', true) = 'on' THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT publication FROM %I WHERE id = $1', tbl) INTO state USING record_id;
    IF state = 'published' AND NOT EXISTS (
        SELECT 1 FROM deals_citation c
          JOIN django_content_type ct ON ct.id = c.content_type_id
         WHERE ct.app_label = 'deals' AND ct.model = model_name AND c.object_id = record_id
    ) THEN
        RAISE EXCEPTION 'A published % (id %) needs at least one citation', model_name, record_id
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION deals_publication_cited_check() RETURNS trigger AS $$
BEGIN
    PERFORM deals_published_is_cited(TG_TABLE_NAME, substr(TG_TABLE_NAME, 7), NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION deals_citation_removal_check() RETURNS trigger AS $$
DECLARE cited_model text;
BEGIN
    SELECT ct.model INTO cited_model FROM django_content_type ct
     WHERE ct.id = OLD.content_type_id AND ct.app_label = 'deals';
    IF cited_model IN ('deal', 'agreement', 'amount', 'event') THEN
        PERFORM deals_published_is_cited('deals_' || cited_model, cited_model, OLD.object_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER deals_citation_removal
    AFTER DELETE OR UPDATE OF content_type_id, object_id ON deals_citation
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION deals_citation_removal_check();
"""
PUBLISHABLE_TABLES = ("deals_deal", "deals_agreement", "deals_amount", "deals_event")
PG_TABLE_TRIGGER = """
CREATE CONSTRAINT TRIGGER {table}_published_cited
    AFTER INSERT OR UPDATE OF publication ON {table}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.publication = 'published')
    EXECUTE FUNCTION deals_publication_cited_check();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS deals_citation_removal ON deals_citation;
{tables}
DROP FUNCTION IF EXISTS deals_citation_removal_check();
DROP FUNCTION IF EXISTS deals_publication_cited_check();
DROP FUNCTION IF EXISTS deals_published_is_cited(text, text, bigint);
"""


def create_triggers(apps, schema_editor):
    schema_editor.execute(PG_FORWARD, None)
    for table in PUBLISHABLE_TABLES:
        schema_editor.execute(PG_TABLE_TRIGGER.format(table=table), None)


def drop_triggers(apps, schema_editor):
    tables = "\n".join(
        f"DROP TRIGGER IF EXISTS {t}_published_cited ON {t};" for t in PUBLISHABLE_TABLES
    )
    schema_editor.execute(PG_BACKWARD.format(tables=tables), None)


def create_publisher_group(apps, schema_editor):
    create_permissions_in(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=PUBLISHER)
    wanted = {(app, code) for app, codes in in_state(apps, permission_codenames(EDITOR)).items() for code in codes}
    wanted.add(("deals", "publish"))
    for app_label, codename in sorted(wanted):
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        group.permissions.add(permission)


def remove_publisher_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=PUBLISHER).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0008_history_and_versions"),
        ("deposits", "0002_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.RunPython(create_publisher_group, remove_publisher_group),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
