"""Run a command with its database behind a PgBouncer of its own, in transaction pooling.

``python -m minerals_portal.ops.pgbouncer -- pytest tests/api`` starts Debian's
``pgbouncer`` on a free loopback port, its configuration in a temporary
directory, forwarding every database name to the server ``DATABASE_URL`` names
(as that URL's user: ``auth_type = any``, no password). It runs the command with
``DATABASE_URL`` pointing through it and ``DATABASE_TRANSACTION_POOLING=1``
(the settings then keep nothing across transactions), then stops PgBouncer and
exits with the command's status. ``PGBOUNCER_ADMIN_URL`` names its admin
console. The server behind it is only connected to, never configured.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg

from .private import free_port, stop_process, wait_until

CONFIG = """\
[databases]
* = host={host} port={port} user={user}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen_port}
unix_socket_dir =
auth_type = any
admin_users = {user}
pool_mode = transaction
max_client_conn = 200
default_pool_size = 20
ignore_startup_parameters = extra_float_digits
"""


class PrivatePgBouncer:
    """A ``pgbouncer`` of our own in front of the PostgreSQL server ``database_url`` names."""

    def __init__(self, database_url: str):
        self.target = urlsplit(database_url)
        self.user = self.target.username or "postgres"
        # A socket directory (a private server's) is written percent-encoded, case kept.
        address = self.target.netloc.rpartition("@")[2].partition(":")[0]
        self.host = unquote(address) or "127.0.0.1"
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="portal-pgbouncer-"))
        self.proc: subprocess.Popen | None = None

    def url(self, database: str | None = None) -> str:
        """``database_url`` (or another ``database``) through PgBouncer."""
        netloc = f"{self.user}@127.0.0.1:{self.port}"
        path = f"/{database}" if database else self.target.path
        return urlunsplit(self.target._replace(netloc=netloc, path=path))

    def admin_url(self) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/pgbouncer"

    def up(self) -> bool:
        try:
            with psycopg.connect(self.admin_url(), autocommit=True, connect_timeout=2) as admin:
                admin.execute("SHOW VERSION")
            return True
        except psycopg.Error:
            return False

    def start(self) -> PrivatePgBouncer:
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        config = self.tmp / "pgbouncer.ini"
        config.write_text(
            CONFIG.format(
                host=self.host,
                port=self.target.port or 5432,
                user=self.user,
                listen_port=self.port,
            )
        )
        self.tmp.chmod(0o755)
        config.chmod(0o644)
        command = [binary, str(config)]
        if os.geteuid() == 0:  # PgBouncer refuses to run as root; a socket's owner may use it
            owner = os.stat(self.host).st_uid if self.host.startswith("/") else None
            command[1:1] = ["-u", pwd.getpwuid(owner).pw_name if owner else "nobody"]
        log = (self.tmp / "pgbouncer.log").open("ab")
        self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: self.up() or self.proc.poll() is not None, 30, "PgBouncer answers")
        if not self.up():
            raise RuntimeError(f"PgBouncer did not start: {self.log()[-2000:]}")
        return self

    def log(self) -> str:
        path = self.tmp / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        stop_process(self.proc)
        shutil.rmtree(self.tmp, ignore_errors=True)


def main(argv: list[str]) -> int:
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    database_url = os.environ.get("DATABASE_URL", "").strip()
    if not database_url:
        print("Set DATABASE_URL to the PostgreSQL server to put PgBouncer in front of.")
        return 2
    bouncer = PrivatePgBouncer(database_url).start()
    try:
        env = {
            **os.environ,
            "DATABASE_URL": bouncer.url(),
            "DATABASE_TRANSACTION_POOLING": "1",
            "PGBOUNCER_ADMIN_URL": bouncer.admin_url(),
        }
        print(f"PgBouncer (transaction pooling) on 127.0.0.1:{bouncer.port}", flush=True)
        return subprocess.call(command, env=env)
    finally:
        bouncer.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
