"""Companies and sources carry ``publication``; existing rows are published.

The column is added with ``published`` as its default, so every existing row
(the reviewed dataset) stays public with no history event, then the default
becomes ``draft`` like the deals'. The database's citation backstop (0009)
extends to published companies, deposits and resource estimates; a source is
exempt: it is what citations point to. A revision may be withdrawn by its author.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

# The cited models, by (app, model, table). 0009's function took the app to be deals.
CITED = [
    ("deals", "deal", "deals_deal"),
    ("deals", "agreement", "deals_agreement"),
    ("deals", "amount", "deals_amount"),
    ("deals", "event", "deals_event"),
    ("deals", "company", "deals_company"),
    ("deposits", "deposit", "deposits_deposit"),
    ("deposits", "resourceestimate", "deposits_resourceestimate"),
]
NEW_TABLES = CITED[4:]

CITED_FORWARD = """
CREATE FUNCTION deals_published_is_cited_in(app text, tbl text, model_name text, record_id bigint)
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
         WHERE ct.app_label = app AND ct.model = model_name AND c.object_id = record_id
    ) THEN
        RAISE EXCEPTION 'A published % (id %) needs at least one citation', model_name, record_id
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION deals_publication_cited_in_check() RETURNS trigger AS $$
BEGIN
    PERFORM deals_published_is_cited_in(TG_ARGV[0], TG_TABLE_NAME, TG_ARGV[1], NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION deals_citation_removal_check() RETURNS trigger AS $$
DECLARE cited_app text; cited_model text;
BEGIN
    SELECT ct.app_label, ct.model INTO cited_app, cited_model FROM django_content_type ct
     WHERE ct.id = OLD.content_type_id;
    IF (cited_app, cited_model) IN (""" + ", ".join(f"('{a}', '{m}')" for a, m, _ in CITED) + """) THEN
        PERFORM deals_published_is_cited_in(
            cited_app, cited_app || '_' || cited_model, cited_model, OLD.object_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE CONSTRAINT TRIGGER {table}_published_cited
    AFTER INSERT OR UPDATE OF publication ON {table}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.publication = 'published')
    EXECUTE FUNCTION deals_publication_cited_in_check('{app}', '{model}');
"""
    for app, model, table in NEW_TABLES
)
CITED_BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS {table}_published_cited ON {table};\n" for _, _, table in NEW_TABLES
) + """
CREATE OR REPLACE FUNCTION deals_citation_removal_check() RETURNS trigger AS $$
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
DROP FUNCTION IF EXISTS deals_publication_cited_in_check();
DROP FUNCTION IF EXISTS deals_published_is_cited_in(text, text, text, bigint);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('deals', '0023_citation_history_triggers'),
        ('deposits', '0007_publication'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='company',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='company',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='company',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='source',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='source',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='source',
            name='delete_delete',
        ),
        migrations.AddField(
            model_name='company',
            name='publication',
            field=models.CharField(choices=[('draft', 'draft'), ('in_review', 'in review'), ('published', 'published'), ('withdrawn', 'withdrawn')], db_index=True, default='published', max_length=10),
        ),
        migrations.AddField(
            model_name='companyhistory',
            name='publication',
            field=models.CharField(choices=[('draft', 'draft'), ('in_review', 'in review'), ('published', 'published'), ('withdrawn', 'withdrawn')], default='published', max_length=10),
        ),
        migrations.AddField(
            model_name='source',
            name='publication',
            field=models.CharField(choices=[('draft', 'draft'), ('in_review', 'in review'), ('published', 'published'), ('withdrawn', 'withdrawn')], db_index=True, default='published', max_length=10),
        ),
        migrations.AddField(
            model_name='sourcehistory',
            name='publication',
            field=models.CharField(choices=[('draft', 'draft'), ('in_review', 'in review'), ('published', 'published'), ('withdrawn', 'withdrawn')], default='published', max_length=10),
        ),
        migrations.AlterField(
            model_name='company',
            name='publication',
            field=models.CharField(choices=[('draft', 'draft'), ('in_review', 'in review'), ('published', 'published'), ('withdrawn', 'withdrawn')], db_index=True, default='draft', max_length=10),
        ),
        migrations.AlterField(
            model_name='companyhistory',
            name='publication',
            field=models.CharField(choices=[('draft', 'draft'), ('in_review', 'in review'), ('published', 'published'), ('withdrawn', 'withdrawn')], default='draft', max_length=10),
        ),
        migrations.AlterField(
            model_name='source',
            name='publication',
            field=models.CharField(choices=[('draft', 'draft'), ('in_review', 'in review'), ('published', 'published'), ('withdrawn', 'withdrawn')], db_index=True, default='draft', max_length=10),
        ),
        migrations.AlterField(
            model_name='sourcehistory',
            name='publication',
            field=models.CharField(choices=[('draft', 'draft'), ('in_review', 'in review'), ('published', 'published'), ('withdrawn', 'withdrawn')], default='draft', max_length=10),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='company',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_companyhistory" ("aliases", "country", "created_at", "description", "description_ru", "id", "kind", "name", "name_kk", "name_ru", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "publication", "search_key", "slug", "updated_at") VALUES (NEW."aliases", NEW."country", NEW."created_at", NEW."description", NEW."description_ru", NEW."id", NEW."kind", NEW."name", NEW."name_kk", NEW."name_ru", _pgh_attach_context(), clock_timestamp(), \'insert\', NEW."id", NEW."publication", NEW."search_key", NEW."slug", NEW."updated_at"); RETURN NULL;', hash='773519fddc082e28ed42beedc82a28ff88600876', operation='INSERT', pgid='pgtrigger_insert_insert_62361', table='deals_company', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='company',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."aliases" IS DISTINCT FROM (NEW."aliases") OR OLD."country" IS DISTINCT FROM (NEW."country") OR OLD."description" IS DISTINCT FROM (NEW."description") OR OLD."description_ru" IS DISTINCT FROM (NEW."description_ru") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."name_kk" IS DISTINCT FROM (NEW."name_kk") OR OLD."name_ru" IS DISTINCT FROM (NEW."name_ru") OR OLD."publication" IS DISTINCT FROM (NEW."publication") OR OLD."slug" IS DISTINCT FROM (NEW."slug"))', func='INSERT INTO "deals_companyhistory" ("aliases", "country", "created_at", "description", "description_ru", "id", "kind", "name", "name_kk", "name_ru", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "publication", "search_key", "slug", "updated_at") VALUES (NEW."aliases", NEW."country", NEW."created_at", NEW."description", NEW."description_ru", NEW."id", NEW."kind", NEW."name", NEW."name_kk", NEW."name_ru", _pgh_attach_context(), clock_timestamp(), \'update\', NEW."id", NEW."publication", NEW."search_key", NEW."slug", NEW."updated_at"); RETURN NULL;', hash='42d960d28f9ed108854613f54118ff23ac0bc742', operation='UPDATE', pgid='pgtrigger_update_update_31060', table='deals_company', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='company',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_companyhistory" ("aliases", "country", "created_at", "description", "description_ru", "id", "kind", "name", "name_kk", "name_ru", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "publication", "search_key", "slug", "updated_at") VALUES (OLD."aliases", OLD."country", OLD."created_at", OLD."description", OLD."description_ru", OLD."id", OLD."kind", OLD."name", OLD."name_kk", OLD."name_ru", _pgh_attach_context(), clock_timestamp(), \'delete\', OLD."id", OLD."publication", OLD."search_key", OLD."slug", OLD."updated_at"); RETURN NULL;', hash='895525d168848f0c474e1104fcdb294aad58d79d', operation='DELETE', pgid='pgtrigger_delete_delete_e338f', table='deals_company', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='source',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_sourcehistory" ("accessed", "archive", "archive_sha256", "archive_url", "created_at", "file", "id", "kind", "language", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "publication", "published", "published_precision", "publisher", "slug", "title", "updated_at", "url") VALUES (NEW."accessed", NEW."archive", NEW."archive_sha256", NEW."archive_url", NEW."created_at", NEW."file", NEW."id", NEW."kind", NEW."language", _pgh_attach_context(), clock_timestamp(), \'insert\', NEW."id", NEW."publication", NEW."published", NEW."published_precision", NEW."publisher", NEW."slug", NEW."title", NEW."updated_at", NEW."url"); RETURN NULL;', hash='aca220b1889917309efd6648d2f00571985fe0a9', operation='INSERT', pgid='pgtrigger_insert_insert_7e756', table='deals_source', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='source',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."accessed" IS DISTINCT FROM (NEW."accessed") OR OLD."archive" IS DISTINCT FROM (NEW."archive") OR OLD."archive_sha256" IS DISTINCT FROM (NEW."archive_sha256") OR OLD."archive_url" IS DISTINCT FROM (NEW."archive_url") OR OLD."file" IS DISTINCT FROM (NEW."file") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."language" IS DISTINCT FROM (NEW."language") OR OLD."publication" IS DISTINCT FROM (NEW."publication") OR OLD."published" IS DISTINCT FROM (NEW."published") OR OLD."published_precision" IS DISTINCT FROM (NEW."published_precision") OR OLD."publisher" IS DISTINCT FROM (NEW."publisher") OR OLD."slug" IS DISTINCT FROM (NEW."slug") OR OLD."title" IS DISTINCT FROM (NEW."title") OR OLD."url" IS DISTINCT FROM (NEW."url"))', func='INSERT INTO "deals_sourcehistory" ("accessed", "archive", "archive_sha256", "archive_url", "created_at", "file", "id", "kind", "language", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "publication", "published", "published_precision", "publisher", "slug", "title", "updated_at", "url") VALUES (NEW."accessed", NEW."archive", NEW."archive_sha256", NEW."archive_url", NEW."created_at", NEW."file", NEW."id", NEW."kind", NEW."language", _pgh_attach_context(), clock_timestamp(), \'update\', NEW."id", NEW."publication", NEW."published", NEW."published_precision", NEW."publisher", NEW."slug", NEW."title", NEW."updated_at", NEW."url"); RETURN NULL;', hash='7593c7cd14ee53ee8af2b242495560289e8f1680', operation='UPDATE', pgid='pgtrigger_update_update_d22b9', table='deals_source', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='source',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_sourcehistory" ("accessed", "archive", "archive_sha256", "archive_url", "created_at", "file", "id", "kind", "language", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "publication", "published", "published_precision", "publisher", "slug", "title", "updated_at", "url") VALUES (OLD."accessed", OLD."archive", OLD."archive_sha256", OLD."archive_url", OLD."created_at", OLD."file", OLD."id", OLD."kind", OLD."language", _pgh_attach_context(), clock_timestamp(), \'delete\', OLD."id", OLD."publication", OLD."published", OLD."published_precision", OLD."publisher", OLD."slug", OLD."title", OLD."updated_at", OLD."url"); RETURN NULL;', hash='7087b463da8a8c021dffdddb24e19b15b723c48a', operation='DELETE', pgid='pgtrigger_delete_delete_8a271', table='deals_source', when='AFTER')),
        ),
        migrations.RunSQL(CITED_FORWARD, CITED_BACKWARD),
        migrations.AlterField(
            model_name='revision',
            name='status',
            field=models.CharField(choices=[('pending', 'pending review'), ('approved', 'approved'), ('rejected', 'rejected'), ('withdrawn', 'withdrawn by its author')], db_index=True, default='pending', max_length=10),
        ),
    ]
