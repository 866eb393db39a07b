"""Per-client request caps: a sliding one-minute window per (client address, bucket).

Memory is bounded: a client silent for a whole window has nothing left to count and is
forgotten, and past `max_keys` remembered clients the least recently seen one goes first
(it may then send a few requests more than its cap: the price of not growing forever).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque

from storyline.serve.errors import ApiError


class RateLimiter:
    """Allow at most `per_minute` requests per key in any 60 s; 0 turns the cap off."""

    def __init__(
        self, per_minute: int, window_seconds: float = 60.0, max_keys: int = 10_000
    ) -> None:
        self.per_minute = per_minute
        self.max_keys = max_keys
        self._window = window_seconds
        # least recently seen first, so expired and surplus keys leave from the front
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def check(self, key: str) -> None:
        """Raise ApiError 429 (with Retry-After) when `key` is over its cap."""
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        with self._lock:
            self._forget(now)
            seen = self._seen.get(key)
            if seen is None:
                seen = self._seen[key] = deque()
            else:
                self._seen.move_to_end(key)
            while seen and now - seen[0] >= self._window:
                seen.popleft()
            if len(seen) >= self.per_minute:
                retry = max(1, int(self._window - (now - seen[0])) + 1)
                raise ApiError(
                    429,
                    "rate_limited",
                    f"more than {self.per_minute} requests per minute from this client; "
                    f"retry in {retry} s",
                    headers={"Retry-After": str(retry)},
                )
            seen.append(now)

    def _forget(self, now: float) -> None:
        """Drop clients whose newest request left the window, and the surplus over max_keys."""
        while self._seen:
            key, seen = next(iter(self._seen.items()))
            if len(self._seen) < self.max_keys and seen and now - seen[-1] < self._window:
                break
            del self._seen[key]
