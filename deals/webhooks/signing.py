"""The ``X-Portal-Signature`` header: ``t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">``.

Receivers recompute the HMAC with their endpoint's secret over the timestamp, a
dot and the raw body, compare in constant time, and refuse old timestamps
(replays). ``verify`` is that check, as the README's snippet does it.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-Portal-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, body: bytes, timestamp: int) -> str:
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def sign(secret: str, body: bytes) -> str:
    return signature(secret, body, int(time.time()))


def verify(secret: str, body: bytes, header: str, now: float | None = None) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within the tolerance."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, body, timestamp)
    return hmac.compare_digest(expected, f"t={timestamp},v1={parts.get('v1', '')}")
