"""``make run`` without ``DATABASE_URL``: an embedded PostgreSQL server, started and stopped
with the command that uses it."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.conf import settings

from minerals_portal import embedded_db

WITHOUT = {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "CACHE_URL", "DJANGO_ENV"}
HISTORY_COUNT = (
    "import pghistory.models as m; from django.conf import settings as s; "
    "print(m.Events.objects.count(), s.DATABASES['default']['HOST'])"
)


@pytest.fixture
def pgdata():
    # Not under pytest's own (private) temporary root: the server's user must reach it.
    parent = Path(tempfile.mkdtemp(prefix="portal-embedded-"))
    yield parent / "pg"
    shutil.rmtree(parent, ignore_errors=True)


def embedded_env(pgdata: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in WITHOUT}
    return {**env, "EMBEDDED_PGDATA": str(pgdata)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def servers_of(pgdata: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] == "postgres" and str(pgdata) in (process.info["cmdline"] or []):
            found.append(process)
    return found


def test_make_run_serves_the_seed_on_embedded_postgres_and_stops_it(pgdata):
    python, port = sys.executable, free_port()
    serve = (
        f"{python} manage.py migrate -v0 && {python} manage.py load_seed > /dev/null && "
        f"exec {python} manage.py runserver --noreload 127.0.0.1:{port}"
    )
    env = embedded_env(pgdata)
    wrapper = subprocess.Popen(
        [python, "-m", embedded_db.MODULE, "bash", "-c", serve],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base, running = f"http://127.0.0.1:{port}", []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and wrapper.poll() is None:
            try:
                status, body = get(f"{base}/readyz")
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"not served: {wrapper.stderr.read() if wrapper.poll() else 'timeout'}")
        assert status == 200, body
        database = json.loads(body)["checks"]["database"]
        assert database["engine"] == "PostgreSQL" and database["server"] == "embedded"
        assert database["version"].startswith("18.")

        status, timeline = get(f"{base}/")
        _, memoranda = get(f"{base}/?kind=memorandum")
        assert status == 200
        assert 0 < memoranda.count("<article") < timeline.count("<article")

        # A second command joins the running server (the seed's writes left history)
        # and leaves it running when it ends.
        out = subprocess.run(
            [python, "-m", embedded_db.MODULE, python, "manage.py", "shell", "-c", HISTORY_COUNT],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        events, host = out.stdout.split()[-2:]
        assert int(events) > 100 and host == str(pgdata)
        assert get(f"{base}/readyz")[0] == 200
        running = servers_of(pgdata)
        assert running
    finally:
        wrapper.send_signal(signal.SIGTERM)
        wrapper.wait(timeout=60)
    psutil.wait_procs(running, timeout=10)
    assert not servers_of(pgdata)
    assert not (pgdata / "postmaster.pid").exists()
    with pytest.raises(OSError):
        get(f"{base}/healthz")


def test_what_a_killed_run_left_behind_is_cleared(tmp_path):
    """A pid file naming a process that is no postmaster, and a dead holder, are dropped."""
    pgdata = tmp_path / "pg"
    pgdata.mkdir()
    # This test's own pid: alive, but no postmaster of pgdata (a reused pid).
    lines = [str(os.getpid()), str(pgdata), "1700000000", "5432", str(pgdata), "", "1 2", "ready"]
    (pgdata / "postmaster.pid").write_text("\n".join(lines) + "\n")
    (pgdata / ".s.PGSQL.5432.lock").write_text(f"{os.getpid()}\n")
    dead = subprocess.Popen(["true"])
    dead.wait()
    (pgdata / embedded_db.HANDLES_FILE).write_text(json.dumps([dead.pid, os.getpid()]))

    embedded_db.forget_killed_runs(pgdata)

    assert not (pgdata / "postmaster.pid").exists()
    assert not (pgdata / ".s.PGSQL.5432.lock").exists()
    assert json.loads((pgdata / embedded_db.HANDLES_FILE).read_text()) == []


def test_with_database_url_nothing_embedded_starts(tmp_path):
    env = {**embedded_env(tmp_path / "pg"), "DATABASE_URL": "postgres://u@127.0.0.1:1/x"}
    out = subprocess.run(
        [sys.executable, "-m", embedded_db.MODULE, "sh", "-c", "echo $DATABASE_URL"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "postgres://u@127.0.0.1:1/x"
    assert not (tmp_path / "pg").exists()
