"""``make prod-smoke``: the production stack as processes, checked over HTTP, then fault drills.

1. The scale-out topology starts on private servers (``ops.topology``): a
   PostgreSQL primary, a streaming replica of it, PgBouncer (transaction pooling)
   in front of the primary, Redis; a fresh database is migrated and seeded; the
   proxy, gunicorn (several workers), two Celery workers and beat start on it.
2. Checks: readiness, a page, a partner's API read with a token, an editor's
   write through the API, and the derived views updated by the worker.
3. Drills (``--no-faults`` skips them), each restoring the service: the read
   replica (``ops.replica_drills``: reads reach it, editors read their writes at
   once, lag in ``/readyz``, replica lost); 50 slow clients; Redis stopped;
   PostgreSQL restarted under gunicorn; a worker killed in the middle of a
   refresh. Faults go to the private servers only.
Everything started is stopped at the end, whatever happened. Meanwhile a watch
checks that the machine's own PostgreSQL and Redis were left alone
(``ops.machine_watch``), so two runs at once, or a run beside other work, pass.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time

import psycopg

from .machine_watch import MachineWatch
from .private import PrivatePostgres, PrivateRedis
from .replica_drills import drill_replica
from .smoke_api import EXIM, Checks, financing_of_katpar, patch_exim, token
from .stack import Stack, log
from .topology import Topology
from .web_drills import SLOW_SOCKETS, proxy_errors_and_logs, slow_clients


def smoke(stack: Stack, checks: Checks) -> tuple[str, str]:
    status, body, _ = stack.wait_for(
        lambda: (r := stack.get("/readyz"))[0] == 200 and r, 90, "/readyz reports ready"
    )
    assert json.loads(body)["status"] == "ready", body
    checks.ok("readiness: database, migrations, broker and derived views ready")
    status, body, headers = stack.get("/")
    assert status == 200 and "Deal timeline" in body, status
    assert "Content-Security-Policy" in headers or "content-security-policy" in headers
    checks.ok("a page: the timeline renders with security headers")
    partner = token(stack, "smoke-partner")
    status, body, _ = stack.get("/api/v1/deals/", headers={"Authorization": f"Token {partner}"})
    assert status == 200 and "katpar-kairakty-tungsten" in body, (status, body[:300])
    status, _, _ = stack.request("PATCH", EXIM, {"value": "1"},
                                 headers={"Authorization": f"Token {partner}"})  # fmt: skip
    assert status == 403, f"a partner's write answered {status}"
    checks.ok("partner token: API read 200, write refused 403")
    editor = token(stack, "smoke-editor", role="editor")
    assert financing_of_katpar(stack) == 900_000_000
    status, _ = patch_exim(stack, editor, 950_000_000)
    assert status == 200, f"editor write answered {status}"
    stack.wait_for(lambda: financing_of_katpar(stack) == 950_000_000, 120,
                   "the worker refreshes the views after the editor's write")  # fmt: skip
    checks.ok("editor write through the API reaches the derived views via the worker")
    proxy_errors_and_logs(stack)
    checks.ok("proxy: its own error pages carry the security headers; no query strings logged")
    return partner, editor


def drill_slow_clients(stack: Stack, checks: Checks) -> None:
    times = slow_clients(stack)
    assert max(times) < 1.0, f"/healthz took up to {max(times):.2f} s with slow clients"
    checks.ok(f"{SLOW_SOCKETS} slow-header clients: /healthz answered in at most "
              f"{max(times) * 1000:.0f} ms")  # fmt: skip


def drill_redis_down(
    stack: Stack, checks: Checks, partner: str, editor: str, broker: PrivateRedis
) -> None:
    broker.stop()
    try:
        assert stack.get("/")[0] == 200, "page failed with Redis down"
        status, _, _ = stack.get("/api/v1/deals/", headers={"Authorization": f"Token {partner}"})
        assert status == 200, f"API read answered {status} with Redis down"
        status, body, _ = stack.get("/readyz")
        assert status == 503 and json.loads(body)["checks"]["broker"]["ok"] is False, body
        status, seconds = patch_exim(stack, editor, 960_000_000)
        assert status == 200 and seconds < 2.0, f"write, Redis down: {status} in {seconds:.2f} s"
    finally:
        broker.start()
    stack.wait_for(lambda: financing_of_katpar(stack) == 960_000_000, 90,
                   "the pending refresh catches up after Redis returns")  # fmt: skip
    stack.wait_for(lambda: stack.get("/readyz")[0] == 200, 60, "ready again")
    checks.ok("Redis stopped: reads and writes answer, readiness 503, refresh caught up after")


def drill_postgres_restart(stack: Stack, checks: Checks, partner: str, pg: PrivatePostgres) -> None:
    assert stack.get("/")[0] == 200
    log("restarting the private PostgreSQL")
    pg.restart()
    auth = {"Authorization": f"Token {partner}"}
    results = [stack.get(path, headers=auth)[0] for path in ["/", "/api/v1/deals/"] * 5]
    failures = [s for s in results if s != 200]
    # One request at a time: at most the one in flight when the server went away may fail.
    assert len(failures) <= 1 and results[-4:] == [200] * 4, results
    checks.ok(f"PostgreSQL restarted under gunicorn: {len(failures)} failed, then all answer")


def drill_worker_killed(checks: Checks, pg: PrivatePostgres, broker: PrivateRedis) -> None:
    """Kill a worker mid-refresh on a large synthetic database; views stay whole."""
    url = pg.create_database("synthetic_fault")
    stack = Stack(url, broker.url(1))
    stack.manage("migrate", "--noinput", "-v0")
    script = "from deals import synthetic; synthetic.generate(amounts=400000)"
    stack.manage("shell", "-c", script)
    stack.manage("refresh_views")

    def views():
        with psycopg.connect(url) as conn:
            return conn.execute(
                "SELECT (SELECT count(*) FROM deals_committedbydeposit),"
                " (SELECT sum(committed_usd) FROM deals_committedbydeposit),"
                " (SELECT max(refreshed_at) FROM deals_viewrefresh)"
            ).fetchone()

    before = views()
    bump = ("from deals.models import Amount; a = Amount.objects.filter(kind="
            "'investment_commitment', restates__isnull=True).order_by('id').first(); "
            "a.value += 1000; a.save()")  # fmt: skip
    stack.manage("shell", "-c", bump)  # a write: a refresh is now owed
    try:
        stack.start_worker()  # at start it sees the owed refresh and enqueues it
        with psycopg.connect(url, autocommit=True) as conn:
            stack.wait_for(
                lambda: conn.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE query ILIKE '%agg_amount_facts%' "
                    "AND pid <> pg_backend_pid()"
                ).fetchone(),
                600,
                "the refresh is running",
            )
        stack.stop_process("worker", sig=signal.SIGKILL)
        log("worker killed in the middle of a refresh")
        for _ in range(5):
            assert views() == before, "views changed or emptied after a killed refresh"
            time.sleep(0.5)
        stack.start_worker()
        stack.wait_for(lambda: views()[2] > before[2], 180, "a new worker completes the refresh")
        after = views()
        assert after[0] == before[0] and float(after[1]) == float(before[1]) + 1000, after
        checks.ok("worker killed mid-refresh: old views intact, new worker completed it")
    finally:
        stack.stop()


def run(args, checks: Checks, topology: Topology) -> int:
    pg, broker = topology.pg, topology.broker
    # A replica paused for the drill stays in use however long a busy machine takes.
    stack = topology.stack("smoke", extra_env={"REPLICA_MAX_LAG_SECONDS": "600"})
    try:
        stack.prepare()
        stack.start()
        partner, editor = smoke(stack, checks)
        if not args.no_faults:
            drill_replica(stack, checks, topology, partner, editor)
            drill_slow_clients(stack, checks)
            drill_redis_down(stack, checks, partner, editor, broker)
            drill_postgres_restart(stack, checks, partner, pg)
    except AssertionError as exc:
        log(f"FAIL {exc}")
        for name in ("web", "worker-1", "worker-2", "beat"):
            print(f"----- {name} log (last lines) -----\n{stack.logs(name)[-3000:]}")
        return 1
    finally:
        stack.stop()
    if not args.no_faults:
        try:
            drill_worker_killed(checks, pg, broker)
        except AssertionError as exc:
            log(f"FAIL {exc}")
            return 1
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-faults", action="store_true", help="skip the fault drills")
    args = parser.parse_args(argv)
    checks = Checks()
    started = time.monotonic()
    with MachineWatch() as watch, Topology() as topology:
        status = run(args, checks, topology)
    untouched, seen = watch.verdict()
    log(seen)
    if not untouched:
        log("FAIL the machine's own PostgreSQL or Redis was disturbed during the drills")
        return 1
    if status == 0:
        log(f"prod-smoke OK ({len(checks.passed)} checks in {time.monotonic() - started:.0f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
