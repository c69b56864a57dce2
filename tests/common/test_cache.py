"""A Redis outage turns the cache into misses, never into errors."""

import time

from minerals_portal.common.cache import TolerantRedisCache


def test_unreachable_redis_is_a_miss_not_an_error():
    cache = TolerantRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.5}}
    )
    started = time.monotonic()
    assert cache.get("k") is None and cache.get("k", "fallback") == "fallback"
    cache.set("k", 1)
    assert cache.add("k", 1) is False and cache.get_many(["a", "b"]) == {}
    assert time.monotonic() - started < 5


def test_reachable_redis_still_caches(private_redis):
    cache = TolerantRedisCache(private_redis.url(5), {})
    cache.set("portal-test-key", {"a": 1}, 10)
    assert cache.get("portal-test-key") == {"a": 1}
    cache.delete("portal-test-key")
