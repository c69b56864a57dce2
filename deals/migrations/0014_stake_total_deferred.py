"""The parties' stakes in one agreement total at most 100 %, checked at commit.

Migration 0002's trigger checked after every row, so a reallocation saved row by
row (60/40 to 65/35) failed half-way, and it took no lock, so two concurrent
writers could each see room for 60 %. It is replaced by a deferred constraint
trigger declared on the model (``AgreementParty.Meta.triggers``): it runs at
commit (or when ``deals.services.stakes.check_stake_totals`` asks), locks the
agreement row before summing, and names its refusal ``party_stake_total``.

The citation backstop of migration 0009 now names its refusal too
(``published_is_cited``), so ``deals.services.refusals`` can tell it apart.
"""

from importlib import import_module

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

immediate_trigger = import_module("deals.migrations.0002_party_stake_total_trigger")

CITED_CHECK = """
CREATE OR REPLACE FUNCTION deals_published_is_cited(tbl text, model_name text, record_id bigint)
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
            USING ERRCODE = 'check_violation'{name};
    END IF;
END;
$$ LANGUAGE plpgsql;
"""
NAMED = ", CONSTRAINT = 'published_is_cited', TABLE = tbl"


class Migration(migrations.Migration):
    dependencies = [("deals", "0013_pipeline_kind_status_choices")]

    operations = [
        migrations.RunSQL([immediate_trigger.PG_BACKWARD], [immediate_trigger.PG_FORWARD]),
        migrations.RunSQL([CITED_CHECK.format(name=NAMED)], [CITED_CHECK.format(name="")]),
        pgtrigger.migrations.AddTrigger(
            model_name="agreementparty",
            trigger=pgtrigger.compiler.Trigger(
                name="stake_total",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (NEW."stake" IS NOT NULL)',
                    constraint="CONSTRAINT",
                    declare="DECLARE agreement_title text; total numeric;",
                    func="\n    SELECT title INTO agreement_title FROM deals_agreement\n     WHERE id = NEW.agreement_id FOR NO KEY UPDATE;\n    SELECT COALESCE(SUM(stake), 0) INTO total\n      FROM deals_agreementparty WHERE agreement_id = NEW.agreement_id;\n    IF total > 100 THEN\n        RAISE EXCEPTION 'The parties'' stakes in agreement “%” total % %%, more than 100 %%.',\n            agreement_title, trim_scale(total)\n            USING ERRCODE = 'check_violation', CONSTRAINT = 'party_stake_total',\n                  TABLE = 'deals_agreementparty', COLUMN = 'stake',\n                  DETAIL = format('agreement_id=%s', NEW.agreement_id);\n    END IF;\n    RETURN NULL;\n",
                    hash="4346d22d8a101070199fd10992df60194d0de8db",
                    operation='INSERT OR UPDATE OF "stake", "agreement_id"',
                    pgid="pgtrigger_stake_total_97f37",
                    table="deals_agreementparty",
                    timing="DEFERRABLE INITIALLY DEFERRED",
                    when="AFTER",
                ),
            ),
        ),
    ]
