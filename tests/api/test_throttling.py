"""Each token has its own request budget; past it, a 429 that says when to retry."""

import pytest
from django.test import override_settings

from .conftest import assert_error, make_user, token_client

pytestmark = pytest.mark.django_db


@override_settings(API_THROTTLE_RATE="3/min")
def test_the_fourth_request_in_a_minute_is_a_429_with_retry_after(world, partner):
    client = token_client(partner)
    for _ in range(3):
        assert client.get("/api/v1/deals/").status_code == 200
    response = client.get("/api/v1/deals/")
    error = assert_error(response, 429, "throttled")
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    assert error["retry_after"] == wait
    assert "3/min" in error["message"] and f"Retry in {wait} seconds" in error["message"]


@override_settings(API_THROTTLE_RATE="2/min")
def test_budgets_are_per_token(world):
    first, second = token_client(make_user("partner")), token_client(make_user("partner"))
    for _ in range(2):
        first.get("/api/v1/deals/")
    assert first.get("/api/v1/deals/").status_code == 429
    assert second.get("/api/v1/deals/").status_code == 200


@override_settings(API_THROTTLE_RATE=None)
def test_no_rate_means_no_limit(world, partner_client):
    for _ in range(5):
        assert partner_client.get("/api/v1/commodities/").status_code == 200


@pytest.fixture
def redis_cache(settings, private_redis):
    """The cache on the suite's private Redis (the test clears it)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url(1),
        }
    }


@pytest.mark.integration
def test_the_budget_is_shared_through_redis(settings, redis_cache, world, partner):
    from django.core.cache import cache

    # Through the settings fixture only: mixed with @override_settings, its restore at
    # teardown would put the decorator's values back for the tests that follow.
    settings.API_THROTTLE_RATE = "2/min"

    cache.clear()
    client = token_client(partner)
    for _ in range(2):
        assert client.get("/api/v1/deals/").status_code == 200
    assert client.get("/api/v1/deals/").status_code == 429
    assert any(key for key in cache._cache.get_client().keys("*throttle_api_token*"))
    cache.clear()


STATS = "/api/v1/stats/committed-by-deposit/"


@pytest.mark.parametrize("proxies", [0, 1])
def test_anonymous_budget_cannot_be_escaped_by_rotating_x_forwarded_for(settings, client, proxies):
    """The address counted is the one the trusted proxies report (TRUSTED_PROXIES of them),
    not whatever a client writes into X-Forwarded-For."""
    settings.API_THROTTLE_RATE = "2/min"
    settings.TRUSTED_PROXIES = proxies
    answers = [
        # A client invents a new address each time; the proxy appends the one it saw.
        client.get(STATS, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 192.0.2.7").status_code
        for i in range(4)
    ]
    assert answers == [200, 200, 429, 429]


# --- headers, atomic counting, a cache outage ------------------------------------------

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def test_every_answer_says_what_is_left_of_the_budget(settings, world, partner):
    settings.API_THROTTLE_RATE = "5/min"
    client = token_client(partner)
    answers = [
        client.get("/api/v1/deals/"),
        client.get("/api/v1/agreements/", {"kind": "nope"}),  # a 400
        client.get("/api/v1/nowhere/"),  # the catch-all 404
        client.get(STATS),
        client.get("/api/v1/schema/"),
    ]
    assert [a.status_code for a in answers] == [200, 400, 404, 200, 200]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0"]
    for answer in answers:
        assert answer["X-RateLimit-Limit"] == "5" and 1 <= int(answer["X-RateLimit-Reset"]) <= 60
    refused = client.get("/api/v1/deals/")
    assert refused.status_code == 429 and refused["X-RateLimit-Remaining"] == "0"
    assert int(refused["Retry-After"]) <= int(refused["X-RateLimit-Reset"]) + 1


def burst(requests: int, threads: int, ident: str = "192.0.2.50") -> int:
    """How many of ``requests`` anonymous requests from one address, made ``threads`` at a
    time, the throttle lets through."""
    from concurrent.futures import ThreadPoolExecutor

    from django.contrib.auth.models import AnonymousUser
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from minerals_portal.api.throttling import TokenRateThrottle

    def one(_):
        request = Request(APIRequestFactory().get(STATS, REMOTE_ADDR=ident))
        request.user, request.auth = AnonymousUser(), None
        return TokenRateThrottle().allow_request(request, None)

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(one, range(requests)))


@pytest.mark.integration
def test_a_burst_at_32_concurrent_never_exceeds_the_budget(settings, redis_cache):
    settings.API_THROTTLE_RATE = "600/min"
    assert burst(3000, 32) == 600
    assert burst(50, 8, ident="192.0.2.51") == 50  # another client has its own budget


def test_the_in_process_limiter_is_atomic_too(settings):
    settings.API_THROTTLE_RATE = "600/min"
    assert burst(3000, 32) == 600


@pytest.mark.integration
def test_a_cache_outage_keeps_the_limit_in_process(settings, world, partner):
    from minerals_portal.ops.private import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "minerals_portal.common.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.API_THROTTLE_RATE = "2/min"
    client = token_client(partner)
    answers = [client.get("/api/v1/deals/") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
