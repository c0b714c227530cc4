"""Counters and one-time marks shared by every web process: Redis, else the Django cache.

Abuse defences must never stop an honest signature, nor keep it waiting: every Redis call has a
short timeout (ABUSE_REDIS_TIMEOUT_SECONDS) and no retry, and after a failure this process skips
Redis for REDIS_RETRY_AFTER_SECONDS. Without an answer a counter reads as zero and a mark as new
(fail open: docs/operators/security.md), and signing goes on.
"""

import functools
import logging

import redis
from django.conf import settings
from django.core.cache import cache
from redis.backoff import NoBackoff
from redis.retry import Retry

from petitions.core.breaker import Breaker

logger = logging.getLogger(__name__)

_breaker = Breaker()


@functools.cache
def _redis(url: str, timeout: float) -> redis.Redis:
    # One try, then the fallback: no retry, whatever the redis-py version defaults to.
    return redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout, retry=Retry(NoBackoff(), 0)
    )


def client() -> redis.Redis | None:
    url = settings.ABUSE_REDIS_URL
    return _redis(url, settings.ABUSE_REDIS_TIMEOUT_SECONDS) if url else None


def _failed(exc: Exception, what: str) -> None:
    if _breaker.failed():  # once per outage, not once per signature
        logger.warning(
            "Abuse store unavailable (%s): %s until it answers (tried again every %ss)",
            type(exc).__name__,
            what,
            settings.REDIS_RETRY_AFTER_SECONDS,
        )


def _answered() -> None:
    if _breaker.succeeded():
        logger.warning("Abuse store answers again; limits enforced")


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
    if not _breaker.allow():
        return [0] * len(counters)
    try:
        pipe = r.pipeline(transaction=True)
        for key, window in counters:
            pipe.set(key, 0, ex=window, nx=True)
            pipe.incr(key)
        counts = pipe.execute()[1::2]
    except redis.RedisError as exc:
        _failed(exc, "limits not enforced")
        return [0] * len(counters)
    _answered()
    return counts


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
    if not _breaker.allow():
        return True
    try:
        first = bool(r.set(key, 1, nx=True, ex=seconds))
    except redis.RedisError as exc:
        _failed(exc, "captcha solutions not checked for reuse")
        return True
    _answered()
    return first
