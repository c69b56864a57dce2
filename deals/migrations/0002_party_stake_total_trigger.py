"""Refuse, in the database, parties whose stakes in one agreement total more than 100 %.

A CHECK constraint cannot see other rows, so this rule is a trigger: a
deferrable constraint trigger on PostgreSQL. On the embedded SQLite default,
table rebuilds by later migrations would drop a trigger, so ``deals.apps``
(re)creates the SQLite triggers after every migrate instead.
"""

from django.db import migrations

PG_FORWARD = """
CREATE FUNCTION deals_party_stake_total_check() RETURNS trigger AS $$
DECLARE total numeric;
BEGIN
    SELECT COALESCE(SUM(stake), 0) INTO total
      FROM deals_agreementparty WHERE agreement_id = NEW.agreement_id;
    IF total > 100 THEN
        RAISE EXCEPTION 'Stakes in agreement % total % %%, more than 100 %%',
            NEW.agreement_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER deals_party_stake_total
    AFTER INSERT OR UPDATE OF stake, agreement_id ON deals_agreementparty
    DEFERRABLE INITIALLY IMMEDIATE
    FOR EACH ROW EXECUTE FUNCTION deals_party_stake_total_check();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS deals_party_stake_total ON deals_agreementparty;
DROP FUNCTION IF EXISTS deals_party_stake_total_check();
"""

def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, None)


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
