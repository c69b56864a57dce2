"""Who made a change, and through which path, attached to the history events it causes.

The history triggers read the context of the current transaction (pghistory
stores it in the ``pghistory_context`` table): ``user`` (a user id), ``path``
(admin, api, web, import, seed, command or revert) and, for web requests, the
``url``.
"""

from contextlib import contextmanager

import pghistory
from django.core.handlers.asgi import ASGIRequest as DjangoASGIRequest
from pghistory.middleware import ASGIRequest, WSGIRequest

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PATH_LABELS = {
    "admin": "admin",
    "api": "API",
    "web": "web page",
    "import": "import",
    "seed": "seed loader",
    "command": "command",
    "revert": "revert",
    "review": "approved revision",
    "undo": "undo of a save",
}


def user_id(user):
    return user.pk if getattr(user, "is_authenticated", False) else None


@contextmanager
def history_context(path: str, user=None, **extra):
    """Label the writes made inside with ``path`` and ``user`` (kept from an outer context
    when not given). Nested inside a request, it relabels the request's context."""
    metadata = {"path": path, **extra}
    if user is not None:
        metadata["user"] = user_id(user)
    with pghistory.context(**metadata):
        yield


def request_path(request) -> str:
    prefix = request.path_info.split("/", 2)[1] if request.path_info.count("/") > 1 else ""
    return {"admin": "admin", "api": "api"}.get(prefix, "web")


class HistoryContextMiddleware:
    """Every writing request is one history context: its user, path and URL.

    API token authentication sets ``request.user`` inside the view; pghistory's
    request class updates the context's user when that happens.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in WRITE_METHODS:
            return self.get_response(request)
        user = getattr(request, "user", None)
        metadata = {"path": request_path(request), "url": request.path, "user": user_id(user)}
        with pghistory.context(**metadata):
            is_asgi = isinstance(request, DjangoASGIRequest)
            request.__class__ = ASGIRequest if is_asgi else WSGIRequest
            return self.get_response(request)


def current_path(default: str = "") -> str:
    """The ``path`` label of the history context the current code runs in (``default``: none)."""
    from pghistory import runtime

    tracked_context = getattr(runtime._tracker, "value", None)
    return (tracked_context.metadata.get("path") if tracked_context else None) or default
