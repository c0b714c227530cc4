"""A per-process circuit breaker for the Redis calls on the signing path.

A hung Redis costs every call its full timeout. Once a call has failed, the breaker skips Redis in
this process for a few seconds (REDIS_RETRY_AFTER_SECONDS), so the requests meanwhile go straight
to their fallback; then a single call tries again, and either closes the breaker or opens it anew.
"""

import threading
import time
from typing import ClassVar

from django.conf import settings


class Breaker:
    instances: ClassVar[list["Breaker"]] = []

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until = 0.0  # 0: closed, every call goes through
        Breaker.instances.append(self)

    def allow(self) -> bool:
        """Whether this call may try; while open, no. The first call after the pause is let through
        alone (the others are still refused until it has failed or succeeded)."""
        if not self._open_until:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._open_until:
                return False
            self._open_until = now + settings.REDIS_RETRY_AFTER_SECONDS
            return True

    def failed(self) -> bool:
        """Open the breaker; True if it was closed (the caller logs only then)."""
        with self._lock:
            was_closed = not self._open_until
            self._open_until = time.monotonic() + settings.REDIS_RETRY_AFTER_SECONDS
            return was_closed

    def succeeded(self) -> bool:
        """Close the breaker; True if it was open (Redis is back)."""
        if not self._open_until:
            return False
        with self._lock:
            was_open = bool(self._open_until)
            self._open_until = 0.0
            return was_open


def close_all() -> None:
    """Every breaker of this process closed, as if Redis had just answered (tests start so)."""
    for breaker in Breaker.instances:
        breaker.succeeded()
