"""A Redis cache that never fails a page.

Everything Lotse keeps in the cache can be recomputed (figures, allauth's rate-limit counters and
TOTP replay guard, Wagtail's lookups); sessions live in the database. So when Redis does not
answer, the cache logs it once and a small cache inside the process stands in until Redis is
tried again a few seconds later: a page costs one short socket timeout, not an error. The
stand-in keeps throttles and the replay guard counting (per process: weaker than a shared
count, never off).

The readiness check (``/health/ready/``) asks ``ping()``, which bypasses the stand-in.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# A healthy Redis answers in well under a millisecond; a page never waits longer than this for it.
SOCKET_TIMEOUT = 0.25
# After a failure, how long the stand-in answers before Redis is tried again (seconds).
RETRY_AFTER = 5.0

# Shared by every thread of the process (Django makes one cache object per thread).
_down_until: dict[str, float] = {}
_lock = threading.Lock()


def redis_cache_settings(location: str, **extra: Any) -> dict[str, Any]:
    """The ``CACHES`` entry for a Redis URL: the fail-safe backend with short socket timeouts."""
    return {
        "BACKEND": "config.cache.FailSafeRedisCache",
        "LOCATION": location,
        "OPTIONS": {"socket_connect_timeout": SOCKET_TIMEOUT, "socket_timeout": SOCKET_TIMEOUT},
        **extra,
    }


def _guarded(name: str):
    redis_method = getattr(RedisCache, name)

    def method(self: FailSafeRedisCache, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < _down_until.get(self._location, 0.0):
            return getattr(self._standin, name)(*args, **kwargs)
        try:
            return redis_method(self, *args, **kwargs)
        except RedisError as exc:
            self._mark_down(exc)
            return getattr(self._standin, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}; the in-process stand-in while Redis does not answer."
    return method


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client with one ``redis.Redis`` per connection pool, made once.

    Django makes a new ``redis.Redis`` for every cache operation, and each new one fills its table
    of some 170 reply handlers: more CPU than the GET itself (0.33 ms a 19 KB get, half of it that
    table). A ``redis.Redis`` is safe to share: it takes a connection from its pool per command."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSafeRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._location = server if isinstance(server, str) else ",".join(server)
        standin_params = {
            key: params[key] for key in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION") if key in params
        }
        # One stand-in per Redis location and process (LocMemCache shares its store by name).
        self._standin = LocMemCache(
            f"lotse-failsafe:{self._location}", {**standin_params, "OPTIONS": {"MAX_ENTRIES": 5000}}
        )

    def _mark_down(self, exc: Exception) -> None:
        with _lock:
            was_up = time.monotonic() >= _down_until.get(self._location, 0.0)
            _down_until[self._location] = time.monotonic() + RETRY_AFTER
        if was_up:
            logger.error(
                "Redis cache unreachable (%s: %s); a cache in the process stands in, next try in %.0f s",
                type(exc).__name__,
                exc,
                RETRY_AFTER,
            )

    def ping(self) -> None:
        """Ask Redis itself (no stand-in); raises RedisError when it does not answer."""
        self._cache.get_client(write=True).ping()

    add = _guarded("add")
    get = _guarded("get")
    set = _guarded("set")
    touch = _guarded("touch")
    delete = _guarded("delete")
    get_many = _guarded("get_many")
    has_key = _guarded("has_key")
    incr = _guarded("incr")
    set_many = _guarded("set_many")
    delete_many = _guarded("delete_many")
    clear = _guarded("clear")

    def close(self, **kwargs: Any) -> None:
        try:
            super().close(**kwargs)
        except RedisError as exc:  # closing a pool to a dead server must not fail the response
            logger.warning("Closing the Redis cache failed: %s", exc)
