"""Per-client request caps: a sliding one-minute window per (client address, bucket)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from storyline.serve.errors import ApiError


class RateLimiter:
    """Allow at most `per_minute` requests per key in any 60 s; 0 turns the cap off."""

    def __init__(self, per_minute: int, window_seconds: float = 60.0) -> None:
        self.per_minute = per_minute
        self._window = window_seconds
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        """Raise ApiError 429 (with Retry-After) when `key` is over its cap."""
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        with self._lock:
            seen = self._seen[key]
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
