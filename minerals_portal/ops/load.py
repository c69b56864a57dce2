"""``make load``: a bounded load test of the production stack on 100k synthetic agreements.

Kinds of client run at once, each a ``wrk`` process on loopback (20 connections
in all): partners paging through agreements and events with a token, analysts
opening the timeline and the dashboard, and one editor writing a draft amount
every second. The stack runs on the scale-out topology of ``make prod-smoke``
(``ops.topology``: private primary, streaming replica, PgBouncer, Redis, two
Celery workers): partners' and analysts' reads go to the replica.
Each kind reports throughput, p50/p95/p99 latency and error counts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from .stack import Stack, log
from .topology import Topology

HERE = Path(__file__).resolve().parent
TARGET_P95_MS = {"api": 150, "page": 300}


def walk_cursor(stack: Stack, path: str, token: str, pages: int) -> list[str]:
    """The first ``pages`` page URLs of a cursor-paginated list, as a partner syncs them."""
    urls, url = [], path
    for _ in range(pages):
        urls.append(url)
        status, body, _ = stack.get(url, headers={"Authorization": f"Token {token}"})
        if status != 200:
            raise AssertionError(f"{url} answered {status}")
        following = json.loads(body).get("next")
        if not following:
            break
        url = following.split(stack.url, 1)[-1]
    return urls


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--agreements", type=int, default=100_000)
    parser.add_argument("--web-workers", type=int, default=4)
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    with Topology() as topology:
        return measure(args, topology)


def measure(args, topology: Topology) -> int:
    # Twenty clients in a loop on loopback ask more than one partner's request budget
    # (API_THROTTLE_RATE); the budget is lifted here to measure the server, not the throttle.
    stack = topology.stack(
        "bench_load",  # synthetic data: a bench database by name
        workers=args.web_workers,
        extra_env={"API_THROTTLE_RATE": "1000000/min"},
    )
    log(f"generating {args.agreements} synthetic agreements")
    stack.manage("migrate", "--noinput", "-v0")
    stack.manage("collectstatic", "--noinput", "-v0")
    n = args.agreements
    stack.manage("shell", "-c", "from deals import synthetic; "
                 f"synthetic.generate(amounts={2 * n}, agreements={n}, events={n})")  # fmt: skip
    stack.manage("refresh_views")
    partner = stack.manage("create_api_token", "load-partner").stdout.strip().splitlines()[-1]
    stack.manage("shell", "-c", "from django.contrib.auth.models import Group, User; "
                 "u, _ = User.objects.get_or_create(username='load-editor'); "
                 "u.groups.add(Group.objects.get(name='editor'))")  # fmt: skip
    editor = stack.manage("create_api_token", "load-editor").stdout.strip().splitlines()[-1]
    results = {}
    try:
        stack.start()
        tmp = stack.tmp
        agreements = walk_cursor(stack, "/api/v1/agreements/?page_size=50", partner, 40)
        events = walk_cursor(stack, "/api/v1/events/?page_size=50", partner, 40)
        body = json.dumps({"deal": "syn-deal-1", "kind": "investment_commitment",
                           "value": "1000000", "currency": "USD", "qualifier": "approximately",
                           "as_of": "2026-02", "publication": "draft"})  # fmt: skip
        kinds = {
            "partner: agreements pages": ("api", 6, [f"GET {u}" for u in agreements], partner),
            "partner: events pages": ("api", 6, [f"GET {u}" for u in events], partner),
            "analyst: timeline": (
                "page",
                4,
                [
                    "GET /",
                    "GET /?page=2",
                    "GET /?date_after=2024",
                    "GET /?commodity=syn-commodity-3",
                ],
                None,
            ),
            "analyst: dashboard": ("page", 3, ["GET /dashboard/"], None),
            "editor: API writes": ("api", 1, [f"POST /api/v1/amounts/\t{body}"], editor, 1000),
        }
        procs = {}
        for name, (_kind, connections, lines, token, *pause) in kinds.items():
            file = tmp / f"{abs(hash(name))}.txt"
            file.write_text("\n".join(lines) + "\n")
            env = {"LOAD_FILE": str(file), "PATH": "/usr/bin:/bin",
                   "LOAD_HEADERS": f"Authorization: Token {token}" if token else "",
                   "LOAD_DELAY_MS": str(pause[0] if pause else 0)}  # fmt: skip
            procs[name] = subprocess.Popen(
                ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{args.seconds}s",
                 "--timeout", "10s", "-s", str(HERE / "load.lua"), stack.url],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
            )  # fmt: skip
        log(f"{sum(k[1] for k in kinds.values())} connections for {args.seconds} s")
        for name, proc in procs.items():
            out, _ = proc.communicate(timeout=args.seconds + 60)
            summary = [line for line in out.splitlines() if line.startswith("{")]
            if not summary:
                raise AssertionError(f"wrk for {name} printed no summary:\n{out}")
            results[name] = json.loads(summary[-1])
    finally:
        stack.stop()
    print(f"\n{'request kind':28s} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>6} {'5xx':>4}  target p95")  # fmt: skip
    met = True
    for name, r in results.items():
        kind = kinds[name][0]
        errors = r["non2xx"] + r["socket_errors"]
        ok = r["p95_ms"] <= TARGET_P95_MS[kind] and errors == 0
        met &= ok
        print(f"{name:28s} {r['requests'] / r['seconds']:>7.1f} {r['p50_ms']:>8.1f} "
              f"{r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f} {errors:>6} {r['5xx']:>4}  "
              f"< {TARGET_P95_MS[kind]} ms {'met' if ok else 'MISSED'}")  # fmt: skip
    log("load targets " + ("met" if met else "missed (see above)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
