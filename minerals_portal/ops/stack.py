"""Start and stop the production stack (proxy, gunicorn, two Celery workers, beat) as processes.

The stack runs against private servers (``ops.private``): never the machine's own.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import proxy
from .private import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
# As in docker-compose: the path without its query string, status, size, duration.
WORKERS = ("worker-1", "worker-2")
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class Stack:
    database: str
    redis: str  # a private Redis's URL (broker and cache share it, as in docker-compose)
    port: int = field(default_factory=free_port)  # the proxy's: what clients reach
    web_port: int = field(default_factory=free_port)  # gunicorn's, behind the proxy
    workers: int = 3
    extra_env: dict[str, str] = field(default_factory=dict)
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="portal-stack-")))
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        drop = ("DJANGO_SETTINGS", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "DEBUG",
                "DATABASE_REPLICA_URL", "DATABASE_TRANSACTION_POOLING")  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
        env.update(
            DJANGO_ENV="production",
            SECRET_KEY=getattr(self, "_secret", None) or self._new_secret(),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback; TLS ends at the proxy
            DATABASE_URL=self.database,
            CELERY_BROKER_URL=self.redis,
            CACHE_URL=self.redis,  # as in docker-compose: shared throttles
            DERIVED_VIEWS_DEBOUNCE_SECONDS="0.5",
            TRUSTED_PROXIES="1",  # the proxy before gunicorn, as in docker-compose
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def _new_secret(self) -> str:
        self._secret = secrets.token_urlsafe(64)
        return self._secret

    def manage(self, *args: str, check=True, timeout=600) -> subprocess.CompletedProcess:
        """Run a management command in the stack's environment; never wait forever."""
        try:
            return subprocess.run(
                [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=check,
                capture_output=True, text=True, timeout=timeout,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"manage.py {args[0]} took over {timeout} s") from exc

    def prepare(self) -> None:
        log(f"migrate, collectstatic and load the seed into {self.database.rsplit('/', 1)[-1]}")
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("load_seed", "-v0")

    def _spawn(self, name: str, argv: list[str]) -> None:
        out = (self.tmp / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def start_web(self) -> None:
        # Behind the proxy, which limits request lines and headers (answering with the
        # security headers); gunicorn's access log leaves query strings out (%(U)s).
        self._spawn("web", [sys.executable, "-m", "gunicorn", "minerals_portal.wsgi:application",
                            f"--bind=127.0.0.1:{self.web_port}", f"--workers={self.workers}",
                            "--timeout=60", "--limit-request-line=0", "--access-logfile=-",
                            "--access-logformat=" + ACCESS_LOG_FORMAT])  # fmt: skip

    def start_proxy(self) -> None:
        main = proxy.configure(self.tmp / "proxy", listen=self.port, upstream=self.web_port)
        proxy.check(main)
        self._spawn("proxy", proxy.command(main))

    def start_worker(self, name: str = "worker") -> None:
        self._spawn(name, [sys.executable, "-m", "celery", "-A", "minerals_portal", "worker",
                           "--loglevel=INFO", "--concurrency=1", "--without-gossip",
                           "--without-mingle", f"--hostname={name}-{self.port}@%h"])  # fmt: skip

    def start_beat(self) -> None:
        self._spawn(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "minerals_portal",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.tmp / 'beat-schedule'}",
            ],
        )

    def start(self) -> None:
        self.start_web()
        self.start_proxy()
        for name in WORKERS:  # two workers and one beat, as docker-compose scales them
            self.start_worker(name)
        self.start_beat()
        self.wait_for(
            lambda: self.get("/healthz")[0] == 200, 120, "gunicorn answers /healthz via the proxy"
        )

    def stop_process(self, name: str, sig=signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def stop(self) -> None:
        for name in list(self.procs):
            self.stop_process(name)

    def logs(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def request(self, method, path, body=None, headers=None, timeout=10):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Accept", "application/json, text/html")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace"), dict(exc.headers)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            return 0, str(exc), {}

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    @staticmethod
    def wait_for(predicate, timeout: float, what: str):
        return wait_until(predicate, timeout, what, interval=0.25)
