"""SQLite versions of the cross-row rules that PostgreSQL enforces with triggers.

Created after every ``migrate`` (see ``DealsConfig.ready``) because SQLite
table rebuilds drop triggers; ``IF NOT EXISTS`` makes this idempotent.
"""

_STAKE_TOTAL_TOO_HIGH = """
WHEN (SELECT COALESCE(SUM(stake), 0) FROM deals_agreementparty
      WHERE agreement_id = NEW.agreement_id) > 100
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: stakes in one agreement total more than 100 %');
END
"""

SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS deals_party_stake_total_ins "
    "AFTER INSERT ON deals_agreementparty " + _STAKE_TOTAL_TOO_HIGH,
    "CREATE TRIGGER IF NOT EXISTS deals_party_stake_total_upd "
    "AFTER UPDATE OF stake, agreement_id ON deals_agreementparty " + _STAKE_TOTAL_TOO_HIGH,
]


def ensure_sqlite_triggers(using="default", **kwargs):
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "deals_agreementparty" not in tables:
            return
        for sql in SQLITE_TRIGGERS:
            cursor.execute(sql)
