"""A per-process cache of ready objects with a short lifetime.

For configuration that every request or every letter reads and organisers change a few times a
day: no query, no network hop and no unpickling on a hit; an edit shows after at most `seconds`.
"""

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class ProcessCache(Generic[Value]):
    def __init__(self, seconds: float, max_entries: int = 1000):
        self.seconds = seconds
        self.max_entries = max_entries  # past this the cache starts over (unknown keys count too)
        self._entries: dict[Hashable, tuple[float, Value]] = {}

    def get(self, key: Hashable, compute: Callable[[], Value], *, stale_on: tuple[type[Exception], ...] = ()) -> Value:
        """The cached value, else `compute()`'s; when computing raises one of `stale_on` (the database
        restarting, say), the last value, however old, if there is one."""
        now = time.monotonic()
        cached = self._entries.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            value = compute()
        except stale_on:
            if cached is None:
                raise
            return cached[1]
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (now + self.seconds, value)
        return value

    def clear(self) -> None:
        self._entries.clear()
