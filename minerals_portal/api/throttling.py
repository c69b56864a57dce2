"""One request budget per API token (or per session user, or per client address), rate
from ``API_THROTTLE_RATE``, counted atomically.

The budget is a fixed window (a minute for ``600/min``): one Redis counter per
client and window, incremented and given its expiry by one Lua script, so any
number of concurrent requests across any number of workers never lets more than
the budget through (DRF's own throttle reads a history list, appends and writes
it back, which concurrent requests overrun).

If the cache is not Redis (development) or Redis cannot be reached, the budget is
counted by an in-process limiter instead: the API stays up and still limited, per
worker process (so at most ``workers × budget`` in a window while Redis is down),
and a warning is logged. Every answer carries ``X-RateLimit-Limit``,
``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (seconds until the window
ends); see ``minerals_portal.api.middleware``.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import SimpleRateThrottle

from minerals_portal.common.client_ip import client_address

log = logging.getLogger(__name__)

# INCR, and on the window's first request its expiry; answers (count, ms left).
WINDOW_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); left = tonumber(ARGV[1]) end
return {count, left}
"""


class LocalWindows:
    """The same fixed windows in this process's memory (no Redis, or Redis down)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, duration: float) -> tuple[int, float]:
        now = time.monotonic()
        with self.lock:
            ends, count = self.counts.get(key, (0.0, 0))
            if ends <= now:
                ends, count = now + duration, 0
                if len(self.counts) > 10000:  # forget windows that have ended
                    self.counts = {k: v for k, v in self.counts.items() if v[0] > now}
            self.counts[key] = (ends, count + 1)
        return count + 1, ends - now

    def clear(self):
        with self.lock:
            self.counts.clear()


local_windows = LocalWindows()


def count_request(key: str, duration: int) -> tuple[int, float]:
    """(requests in the current window including this one, seconds until it ends)."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        try:
            full_key = cache.make_and_validate_key(key)
            client = cache._cache.get_client(full_key, write=True)
            count, left_ms = client.eval(WINDOW_SCRIPT, 1, full_key, duration * 1000)
            return int(count), int(left_ms) / 1000
        except Exception as exc:  # redis.exceptions.ConnectionError, TimeoutError, …
            log.warning("Rate limit counted in-process: the cache is unreachable (%s)", exc)
    return local_windows.hit(key, duration)


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        # Read per request so that settings overrides (and tests) take effect at once.
        return settings.API_THROTTLE_RATE

    def get_ident(self, request):
        return client_address(request)

    def get_cache_key(self, request, view):
        from deals.models import ApiToken

        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        count, self.left = count_request(self.get_cache_key(request, view), self.duration)
        remaining = max(self.num_requests - count, 0)
        # For the response headers (the middleware reads them from the Django request).
        django_request = getattr(request, "_request", request)
        django_request.rate_limit = (self.num_requests, remaining, max(int(self.left + 0.999), 1))
        return count <= self.num_requests

    def wait(self):
        return max(self.left, 1.0)
