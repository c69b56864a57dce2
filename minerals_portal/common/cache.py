"""A Redis cache that degrades to "always a miss" while Redis is unreachable.

The cache only speeds things up (throttle counters, computed page data), so a
Redis outage must not turn reads into errors: failures are logged and treated
as misses, and writes to the cache are dropped.
"""

import logging

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)


def _tolerant(name, default):
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # redis.exceptions.ConnectionError, TimeoutError, …
            log.warning("Cache %s failed, carrying on without the cache: %s", name, exc)
            return default(*args, **kwargs) if callable(default) else default

    wrapper.__name__ = name
    return wrapper


def _default_of_get(key, default=None, *args, **kwargs):
    return default


class TolerantRedisCache(RedisCache):
    get = _tolerant("get", _default_of_get)
    set = _tolerant("set", None)
    add = _tolerant("add", False)
    delete = _tolerant("delete", False)
    touch = _tolerant("touch", False)
    has_key = _tolerant("has_key", False)
    get_many = _tolerant("get_many", lambda *args, **kwargs: {})
    set_many = _tolerant("set_many", list)
    delete_many = _tolerant("delete_many", None)
    incr = _tolerant("incr", 0)
    clear = _tolerant("clear", None)
