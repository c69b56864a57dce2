"""Refuse, in the database, parties whose stakes in one agreement total more than 100 %.

A CHECK constraint cannot see other rows, so this rule is a trigger: a
deferrable constraint trigger.
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


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_initial")]
    operations = [migrations.RunSQL([PG_FORWARD], [PG_BACKWARD])]
