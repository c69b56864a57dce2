"""docker-compose.yml stays true to the code: everything it runs exists in the project."""

import importlib
import re
import shlex
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def argv(command):
    return shlex.split(command) if isinstance(command, str) else list(command)


def check_command(words):
    """Assert that a command line names only things the project provides."""
    if words[:2] == ["sh", "-c"]:
        for part in words[2].split("&&"):
            check_command(shlex.split(part))
        return
    program = words[0]
    if program == "python" and words[1] == "manage.py":
        assert words[2] in get_commands(), f"no management command {words[2]!r}"
    elif program == "python" and words[1] == "-c":
        for url in [w.strip("'\"") for w in words[2].split("'") if w.startswith("http")]:
            path = "/" + url.split("/", 3)[3]
            resolve(path)
    elif program == "gunicorn":
        module, _, attr = words[1].partition(":")
        assert hasattr(importlib.import_module(module), attr)
    elif program == "celery":
        app = importlib.import_module(words[words.index("-A") + 1])
        assert hasattr(app, "celery_app")
        assert words[words.index("-A") + 2] in {"worker", "beat", "inspect"}
    elif program in {"pg_isready", "redis-cli", "redis-server", "CMD"}:
        pass
    else:
        raise AssertionError(f"unexpected program {program!r} in docker-compose.yml")


def test_stack_has_web_worker_beat_postgres_and_redis():
    assert {"web", "worker", "beat", "db", "redis"} <= set(SERVICES)
    assert SERVICES["db"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")
    assert set(COMPOSE["volumes"]) == {"pgdata", "replicadata", "redisdata"}


def test_every_command_and_healthcheck_names_something_that_exists():
    checked = 0
    for name, service in SERVICES.items():
        if "command" in service and name not in {"db", "redis"}:
            check_command(argv(service["command"]))
            checked += 1
        test = service.get("healthcheck", {}).get("test")
        if test:
            words = argv(test)
            check_command(words[1:] if words[0] in {"CMD", "CMD-SHELL"} else words)
            checked += 1
    assert checked >= 7


def test_image_is_built_from_the_projects_dockerfile():
    assert (ROOT / "Dockerfile").is_file()
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = dockerfile.split("CMD", 1)[1].strip()
    check_command(yaml.safe_load(cmd))


def test_only_the_proxy_is_published_and_its_config_is_complete():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"proxy"}, "gunicorn must be reached through the proxy only"
    proxy = SERVICES["proxy"]
    for volume in proxy["volumes"]:
        source = volume.split(":")[0]
        assert (ROOT / source).is_file(), f"{source} is mounted but missing"
    template = (ROOT / "deploy/nginx/portal.conf.template").read_text()
    names = set(re.findall(r"\$\{(\w+)\}", template))
    assert names and names <= set(proxy["environment"]), names - set(proxy["environment"])


def test_web_logs_paths_without_query_strings_as_the_process_stack_does():
    from minerals_portal.ops.stack import ACCESS_LOG_FORMAT

    command = argv(SERVICES["web"]["command"])
    assert f"--access-logformat={ACCESS_LOG_FORMAT}" in command
    assert "%(U)s" in ACCESS_LOG_FORMAT and "%(q)s" not in ACCESS_LOG_FORMAT


def test_scale_out_topology_pgbouncer_replica_two_workers_one_beat():
    app = SERVICES["web"]["environment"]
    assert "@pgbouncer:" in app["DATABASE_URL"] and app["DATABASE_TRANSACTION_POOLING"] == "1"
    assert "@replica:" in app["DATABASE_REPLICA_URL"]
    assert SERVICES["worker"]["environment"] == app == SERVICES["beat"]["environment"]
    bouncer = SERVICES["pgbouncer"]["environment"]
    assert bouncer["POOL_MODE"] == "transaction" and "@db:" in bouncer["DATABASE_URL"]
    assert SERVICES["worker"]["deploy"]["replicas"] == 2
    assert SERVICES["beat"].get("deploy", {}).get("replicas", 1) == 1  # one schedule


def test_replica_is_made_with_pg_basebackup_from_a_replication_role_of_the_primary():
    mounts = {name: [v.split(":")[:2] for v in service.get("volumes", []) if v.startswith(".")]
              for name, service in SERVICES.items()}  # fmt: skip
    for source, _ in sum(mounts.values(), []):
        assert (ROOT / source).is_file(), f"{source} is mounted but missing"
    ((script, target),) = mounts["replica"]
    assert argv(SERVICES["replica"]["entrypoint"]) == ["sh", target]
    replica = (ROOT / script).read_text()
    assert "pg_basebackup" in replica and " -R " in replica and "exec postgres" in replica
    ((init, target),) = mounts["db"]
    assert target.startswith("/docker-entrypoint-initdb.d/")
    primary = (ROOT / init).read_text()
    assert "CREATE ROLE replicator WITH REPLICATION" in primary
    assert "host replication replicator" in primary and "pg_hba.conf" in primary
    assert SERVICES["replica"]["environment"]["PRIMARY_HOST"] == "db"
