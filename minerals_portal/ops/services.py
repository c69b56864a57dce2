"""Stop and start the local PostgreSQL and Redis for the fault drills."""

import glob
import subprocess
import time

import psycopg
import redis

from .stack import PG, log

REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
               "--save", "", "--appendonly", "no"]  # fmt: skip


def pg_version() -> str:
    return sorted(p.rsplit("/", 1)[-1] for p in glob.glob("/etc/postgresql/*"))[-1]


def redis_up() -> bool:
    try:
        return redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        return False


def stop_redis() -> None:
    log("stopping Redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379).shutdown(nosave=True)
    except redis.exceptions.ConnectionError:
        pass  # shutting down closes the connection
    deadline = time.monotonic() + 10
    while redis_up() and time.monotonic() < deadline:
        time.sleep(0.2)


def start_redis() -> None:
    if not redis_up():
        log("starting Redis")
        subprocess.run(REDIS_START, check=True, capture_output=True)
    deadline = time.monotonic() + 10
    while not redis_up() and time.monotonic() < deadline:
        time.sleep(0.2)


def pg_up() -> bool:
    try:
        with psycopg.connect(f"{PG}/postgres", connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def restart_postgres() -> None:
    log("restarting PostgreSQL")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main",
                    "restart"], check=True, capture_output=True)  # fmt: skip
    deadline = time.monotonic() + 30
    while not pg_up() and time.monotonic() < deadline:
        time.sleep(0.3)


def ensure_up() -> None:
    start_redis()
    if not pg_up():
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main",
                        "start"], check=False, capture_output=True)  # fmt: skip
