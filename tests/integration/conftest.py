"""Real Celery workers against a real Redis and PostgreSQL (no eager mode, no mocks).

The broker is the suite's private Redis (``private_redis``, its own port): these tests
flush their queue, which must never happen to the machine's Redis.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from minerals_portal.celery import app as celery_app

DEAD_BROKER_URL = "redis://127.0.0.1:1/9"  # nothing listens on port 1


def point_celery_at(url: str | None) -> None:
    """Switch this process's Celery app between a real broker and eager mode."""
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = url is None
    celery_app._pool = None
    celery_app.__dict__.get("amqp") and setattr(celery_app.amqp, "_producer_pool", None)


@pytest.fixture
def broker_url(private_redis) -> str:
    return private_redis.url(0)


@pytest.fixture
def redis_queue(broker_url):
    client = redis.Redis.from_url(broker_url)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def real_broker(redis_queue, broker_url):
    point_celery_at(broker_url)
    yield redis_queue
    point_celery_at(None)


@pytest.fixture
def dead_broker():
    point_celery_at(DEAD_BROKER_URL)
    yield
    point_celery_at(None)


class Worker:
    def __init__(self, log: Path, broker_url: str):
        self.log = log
        self.broker_url = broker_url
        self.proc = None

    def start(self):
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": self.broker_url,
            "DERIVED_VIEWS_DEBOUNCE_SECONDS": "0.5",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "minerals_portal", "worker",
             "--pool=solo", "--loglevel=INFO", "--without-heartbeat", "--without-gossip",
             "--without-mingle"],
            cwd=settings.BASE_DIR, env=env, stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text(errors="replace"):
                return self
            assert self.proc.poll() is None, self.log.read_text()
            time.sleep(0.2)
        raise AssertionError(f"worker did not start:\n{self.log.read_text()}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def worker(real_broker, broker_url, transactional_db, tmp_path):
    w = Worker(tmp_path / "worker.log", broker_url)
    yield w.start()
    w.stop()


def wait_for(predicate, timeout=15.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
