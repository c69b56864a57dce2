"""Proof that a drill left the machine's own PostgreSQL and Redis alone.

While a drill runs, a thread pings the machine's Redis every 0.5 s and the
machine's PostgreSQL start time is read before and after (read-only queries, on
whatever ``MACHINE_PG``/``MACHINE_REDIS`` name). A server that was not running at
the start is reported and not watched: drills never start, stop or flush it.
"""

from __future__ import annotations

import os
import threading
import time

import psycopg
import redis

MACHINE_PG = os.environ.get("MACHINE_PG", "postgres://postgres@127.0.0.1:5432/postgres")
MACHINE_REDIS = os.environ.get("MACHINE_REDIS", "redis://127.0.0.1:6379/0")


def postgres_start_time():
    try:
        with psycopg.connect(MACHINE_PG, connect_timeout=3) as conn:
            return conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0]
    except psycopg.Error:
        return None


class MachineWatch:
    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.client = redis.Redis.from_url(MACHINE_REDIS, socket_timeout=2)
        self.pings = 0
        self.missed: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._ping, daemon=True)

    def _alive(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.exceptions.RedisError:
            return False

    def _ping(self) -> None:
        while not self._stop.wait(self.interval):
            if self._alive():
                self.pings += 1
            else:
                self.missed.append(time.strftime("%H:%M:%S"))

    def __enter__(self) -> MachineWatch:
        self.pg_started = postgres_start_time()
        self.redis_watched = self._alive()
        if self.redis_watched:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.redis_watched:
            self._thread.join()

    def verdict(self) -> tuple[bool, str]:
        """Whether the machine's servers were left alone, and a line saying what was seen."""
        parts, ok = [], True
        if self.redis_watched:
            ok &= not self.missed
            parts.append(f"machine Redis answered {self.pings} pings every {self.interval} s, "
                         f"missed {len(self.missed)}")  # fmt: skip
        else:
            parts.append("machine Redis not running at the start (not watched)")
        if self.pg_started is not None:
            after = postgres_start_time()
            ok &= after == self.pg_started
            same = "the same" if after == self.pg_started else after
            parts.append(
                f"machine PostgreSQL started at {self.pg_started:%Y-%m-%d %H:%M:%S} "
                f"before and {same} after"
            )
        else:
            parts.append("machine PostgreSQL not running at the start (not watched)")
        return ok, "; ".join(parts)
