"""A request id on every request, its response and every log line written while serving it.

An incoming ``X-Request-ID`` (set by a proxy or a partner's client) is kept when it
is a plain token, so one id follows a request across systems; anything else
(too long, newlines, other characters that could forge log lines) is replaced
by a fresh id. The id lives in a context variable read by
``minerals_portal.logs.ContextFilter``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_finished

HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

access_log = logging.getLogger("minerals_portal.access")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(incoming: str | None) -> str:
    """The incoming id if it is a sane token, else a new one."""
    if incoming and SANE_ID.fullmatch(incoming):
        return incoming
    return new_request_id()


def current_request_id() -> str | None:
    return request_id_var.get()


def forget_request_id(**kwargs) -> None:
    """``request_finished`` receiver: lines after the response are not the request's."""
    request_id_var.set(None)


request_finished.connect(forget_request_id, dispatch_uid="minerals_portal.request_id")


class RequestIdMiddleware:
    """Outermost middleware: sets the id, echoes it, and writes the access log line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accept_request_id(request.headers.get(HEADER))
        request.request_id = request_id
        # Kept until ``request_finished``: Django logs 4xx/5xx after the middleware returns.
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        if getattr(settings, "ACCESS_LOG", False):
            self.log_access(request, response, time.perf_counter() - started)
        return response

    @staticmethod
    def log_access(request, response, seconds: float) -> None:
        # The path only: query strings may carry search terms or filters not meant for logs.
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
