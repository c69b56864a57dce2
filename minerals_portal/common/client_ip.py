"""The client's address as the trusted proxies report it: the one rule for every budget.

With ``TRUSTED_PROXIES`` = N proxies in front of gunicorn (nginx is one; a TLS
terminator before it another), each appends the address it saw to
``X-Forwarded-For``, so the N-th entry from the right is the client as the outermost
trusted proxy saw it. Entries further left were written by the client and are ignored.
With N = 0 the socket's address is the client's.
"""

from django.conf import settings


def client_address(request) -> str:
    meta = getattr(request, "META", {})
    proxies = settings.TRUSTED_PROXIES
    forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return meta.get("REMOTE_ADDR", "")
