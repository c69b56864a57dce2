"""The read-replica drill of ``make prod-smoke`` (see ``ops.topology``).

1. Anonymous and partner reads run on the replica: its ``pg_stat_activity`` shows
   the web's connections there, their last query on the portal's tables.
2. With the replica's replay paused, an editor's write is read back by the editor
   at once (the primary) while a partner still reads the replica's snapshot, and
   ``/readyz`` reports the replica's growing lag; replay resumed, the partner sees
   the write and the lag returns to 0.
3. The replica stopped: every read answers 200 from the primary, ``/readyz``
   answers 200 "degraded" with the replica "down"; started again, it streams and
   reads return to it.
"""

from __future__ import annotations

import json

import psycopg

from .replica import PrivateReplica
from .smoke_api import EXIM, Checks, financing_of_katpar, patch_exim
from .stack import Stack, log

# The web's sessions on the replica whose last statement read the portal's tables.
WEB_READS_SQL = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
    "AND query ILIKE '%deals%'"
)


def amount(stack: Stack, token: str) -> float:
    status, body, _ = stack.get(EXIM, headers={"Authorization": f"Token {token}"})
    assert status == 200, f"reading the EXIM amount answered {status}"
    return float(json.loads(body)["value"])


def replica_check(stack: Stack) -> tuple[int, str, dict]:
    status, body, _ = stack.get("/readyz")
    answer = json.loads(body) if body.startswith("{") else {}
    return status, answer.get("status", ""), answer.get("checks", {}).get("replica", {})


def web_reads_on(replica: PrivateReplica, database: str) -> int:
    with psycopg.connect(replica.url(database), autocommit=True, connect_timeout=5) as conn:
        return conn.execute(WEB_READS_SQL).fetchone()[0]


def _replica_sql(replica: PrivateReplica, sql: str):
    with psycopg.connect(replica.url(), autocommit=True, connect_timeout=5) as conn:
        return conn.execute(sql).fetchone()


def replayed_up_to_now(stack: Stack, primary_url: str, replica: PrivateReplica) -> None:
    """A fresh commit on the primary, replayed by the replica: its lag counts from now."""
    with psycopg.connect(primary_url, autocommit=True) as conn:
        conn.execute("SELECT txid_current()")  # assigns an id: the commit is logged
        lsn = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    stack.wait_for(
        lambda: _replica_sql(replica, f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'")[0],
        60,
        "the replica replays the primary's latest commit",
    )


def reads_reach_replica(stack: Stack, checks: Checks, replica, database, partner) -> None:
    def anonymous_and_partner_read():
        assert stack.get("/")[0] == 200
        amount(stack, partner)
        return web_reads_on(replica, database)

    sessions = stack.wait_for(anonymous_and_partner_read, 60, "web reads show on the replica")
    checks.ok(f"reads reach the replica: {sessions} web session(s) there read the portal tables")


def drill_replica(stack: Stack, checks: Checks, topology, partner: str, editor: str) -> None:
    replica, database = topology.replica, stack.database.rsplit("/", 1)[-1]
    reads_reach_replica(stack, checks, replica, database, partner)
    before = amount(stack, partner)
    written = before + 1_000_000
    replayed_up_to_now(stack, topology.pg.url(database), replica)
    _replica_sql(replica, "SELECT pg_wal_replay_pause()")
    try:
        stack.wait_for(
            lambda: _replica_sql(replica, "SELECT pg_get_wal_replay_pause_state()")[0] == "paused",
            30,
            "the replica's replay is paused",
        )
        status, _ = patch_exim(stack, editor, int(written))
        assert status == 200, f"editor write answered {status}"
        assert amount(stack, editor) == written, "the editor did not read their write at once"
        assert amount(stack, partner) == before, "a partner's read did not come from the replica"
        _, _, lagging = stack.wait_for(
            lambda: (r := replica_check(stack))[2].get("lag_s") and r, 60,
            "/readyz reports the replica's lag",
        )  # fmt: skip
        log(f"replay paused: /readyz reports replica {lagging['state']}, lag {lagging['lag_s']} s")
    finally:
        _replica_sql(replica, "SELECT pg_wal_replay_resume()")
    stack.wait_for(lambda: amount(stack, partner) == written, 60,
                   "the partner reads the write once the replica replays it")  # fmt: skip
    stack.wait_for(lambda: replica_check(stack)[2].get("lag_s") == 0, 60, "the lag is back to 0")
    # The refresh the write asked for is done (no task in flight for the drills after this).
    stack.wait_for(lambda: financing_of_katpar(stack) == written, 90,
                   "the views, read on the replica, show the editor's write")  # fmt: skip
    checks.ok(f"editor reads own write at once (primary); partner saw the replica's snapshot "
              f"until replay; /readyz reported lag {lagging['lag_s']} s, then 0")  # fmt: skip
    replica_lost(stack, checks, replica, database, partner, written)


def replica_lost(stack, checks, replica, database, partner, written) -> None:
    replica.stop()
    log("replica stopped")
    auth = {"Authorization": f"Token {partner}"}
    results = [stack.get(path, headers=auth)[0] for path in ["/", "/api/v1/deals/", EXIM] * 5]
    assert results == [200] * len(results), f"reads with the replica lost answered {results}"
    assert amount(stack, partner) == written
    status, overall, check = replica_check(stack)
    assert (status, overall, check.get("state")) == (200, "degraded", "down"), (status, check)
    checks.ok(f"replica lost: {len(results)} reads all 200 from the primary; "
              f"/readyz 200 degraded, replica down")  # fmt: skip
    replica.start()
    stack.wait_for(lambda: replica_check(stack)[:2] == (200, "ready"), 120,
                   "/readyz ready again with the replica streaming")  # fmt: skip
    reads_reach_replica(stack, checks, replica, database, partner)
