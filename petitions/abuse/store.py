"""Counters and one-time marks shared by every web process: Redis, else the Django cache.

Abuse defences must never stop an honest signature: if Redis does not answer, a counter reads as
zero and a mark as new (logged), and signing goes on.
"""

import functools
import logging

import redis
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def client() -> redis.Redis | None:
    return _redis(settings.ABUSE_REDIS_URL) if settings.ABUSE_REDIS_URL else None


def hit(key: str, *, window_seconds: int) -> int:
    """Add one to a fixed-window counter and return its new value."""
    return hit_many([(key, window_seconds)])[0]


def hit_many(counters: list[tuple[str, int]]) -> list[int]:
    """Add one to each (key, window) fixed-window counter; their new values, in one round trip.

    SET NX EX and INCR run in one MULTI, so concurrent web processes never lose a count and each
    window's expiry is set exactly once (a busy key cannot keep itself alive).
    """
    if not counters:
        return []
    r = client()
    if r is None:
        return [_cache_hit(key, window) for key, window in counters]
    try:
        pipe = r.pipeline(transaction=True)
        for key, window in counters:
            pipe.set(key, 0, ex=window, nx=True)
            pipe.incr(key)
        return pipe.execute()[1::2]
    except redis.RedisError as exc:
        logger.warning("Abuse counters unavailable (%s); not counting", exc)
        return [0] * len(counters)


def _cache_hit(key: str, window_seconds: int) -> int:
    cache.add(key, 0, window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        return 1


def mark_once(key: str, *, seconds: int) -> bool:
    """True the first time a key is marked within `seconds`, False every later time."""
    r = client()
    if r is None:
        return cache.add(key, 1, seconds)
    try:
        return bool(r.set(key, 1, nx=True, ex=seconds))
    except redis.RedisError as exc:
        logger.warning("Abuse marks unavailable (%s); accepting", exc)
        return True
