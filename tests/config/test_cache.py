"""The Redis cache of production (config.cache.FailSafeRedisCache) against a real Redis: values come
back as they were stored, and the cache builds one Redis client per connection pool instead of one
per operation (Django's default: half the CPU of a page's cache read)."""

from __future__ import annotations

import pytest
import redis

from config.cache import redis_cache_settings
from tests.config.celery_helpers import TEST_REDIS_URL, require_redis


@pytest.fixture
def redis_cache(request, settings):
    require_redis(request)
    settings.CACHES = {
        "default": redis_cache_settings(TEST_REDIS_URL, KEY_PREFIX="test-cache"),
        "process": settings.PROCESS_CACHE,
    }
    from django.core.cache import caches

    cache = caches["default"]
    assert cache._servers == [TEST_REDIS_URL]  # the real Redis, not a cache left from before
    yield cache
    cache.delete_many([*(f"figure-{n}" for n in range(50)), "figure-counter"])


def test_values_come_back_and_one_client_serves_every_operation(redis_cache, monkeypatch):
    built = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    figures = {"title": "Vermittlungen", "rows": [["Januar", 3], ["Februar", 0]]}
    for n in range(50):
        redis_cache.set(f"figure-{n}", {**figures, "n": n}, 60)
    assert [redis_cache.get(f"figure-{n}")["n"] for n in range(50)] == list(range(50))
    assert redis_cache.get_many(["figure-7", "figure-missing"]) == {"figure-7": {**figures, "n": 7}}
    assert redis_cache.add("figure-counter", 1) and redis_cache.incr("figure-counter") == 2
    redis_cache.delete("figure-counter")
    # 150 and more operations, one client (the pool behind it hands out the connections).
    assert len(built) == 1
    # Redis itself answered (the in-process stand-in of a Redis that timed out would pass the
    # checks above too): the values are there, read past the cache.
    direct = redis.Redis.from_url(TEST_REDIS_URL)
    assert direct.exists(*(redis_cache.make_and_validate_key(f"figure-{n}") for n in range(50))) == 50
