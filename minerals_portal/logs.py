"""Log lines with their context: the request id in the web process, the task id in workers.

``LOG_FORMAT=json`` (the production default) writes one JSON object per line
with ``time``, ``level``, ``logger``, ``message`` and ``request_id``, plus
``method``, ``path``, ``status`` and ``duration_ms`` on access lines and
``task_id``/``task`` inside Celery tasks. ``LOG_FORMAT=text`` is for humans.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from contextvars import ContextVar

from minerals_portal.request_id import current_request_id, request_id_var

# (task id, task name) of the Celery task running in this context.
task_var: ContextVar[tuple[str, str] | None] = ContextVar("celery_task", default=None)

# Optional attributes copied into JSON lines when a record has them.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "task_id", "task")


class ContextFilter(logging.Filter):
    """Stamp every record with the current request id and task (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        task = task_var.get()
        if task is not None and getattr(record, "task_id", None) is None:
            record.task_id, record.task = task
        if getattr(record, "status", None) is None and hasattr(record, "status_code"):
            record.status = record.status_code  # django.request's 4xx/5xx lines
        record.context = record.request_id or getattr(record, "task_id", None) or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; newlines inside messages are escaped by ``json.dumps``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for field in EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(context)s] %(message)s"


def logging_config(log_format: str, level: str) -> dict:
    """The ``LOGGING`` setting: one console handler that every logger propagates to."""
    handler = {
        "class": "logging.StreamHandler",
        "filters": ["context"],
        "formatter": log_format,
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "minerals_portal.logs.ContextFilter"}},
        "formatters": {
            "json": {"()": "minerals_portal.logs.JsonFormatter"},
            "text": {"format": TEXT_FORMAT},
        },
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Replace Django's own handlers so its lines are formatted like the rest.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
        },
    }


# --- Celery: the task id on task log lines, the request id carried to the task ---------

_task_tokens: dict[str, tuple] = {}


def on_before_task_publish(headers=None, **kwargs) -> None:
    """Carry the enqueuing request's id to the worker in the message headers."""
    request_id = current_request_id()
    if headers is not None and request_id:
        headers.setdefault("request_id", request_id)


def on_task_prerun(task_id=None, task=None, **kwargs) -> None:
    request_id = task.request.get("request_id") if task is not None else None
    _task_tokens[task_id] = (
        task_var.set((task_id, getattr(task, "name", "?"))),
        request_id_var.set(request_id or current_request_id()),
    )


def on_task_postrun(task_id=None, **kwargs) -> None:
    tokens = _task_tokens.pop(task_id, None)
    if tokens is not None:
        task_token, request_token = tokens
        request_id_var.reset(request_token)
        task_var.reset(task_token)


def connect_celery_signals() -> None:
    """Use Django's ``LOGGING`` in workers (Celery would replace it) and add task context."""
    from celery import signals

    signals.setup_logging.connect(_keep_django_logging, weak=False)
    signals.before_task_publish.connect(on_before_task_publish, weak=False)
    signals.task_prerun.connect(on_task_prerun, weak=False)
    signals.task_postrun.connect(on_task_postrun, weak=False)


def _keep_django_logging(**kwargs) -> None:
    """Connected to ``setup_logging``: its presence stops Celery configuring logging itself."""
