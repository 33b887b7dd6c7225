"""The per-user question rate limit."""

from __future__ import annotations

import logging
import time
from collections import deque

log = logging.getLogger(__name__)


class RateLimiter:
    """Sliding one-minute window per user; `per_minute == 0` means no limit."""

    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._seen: dict[int, deque[float]] = {}

    def check(self, user_id: int, now: float | None = None) -> float:
        """0 if the user may ask now (and counts it), else seconds until they may."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        times = self._seen.setdefault(user_id, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.per_minute:
            return max(self.window - (now - times[0]), 0.1)
        times.append(now)
        if len(self._seen) > 10_000:  # forget idle users now and then
            self._seen = {u: t for u, t in self._seen.items() if t and now - t[-1] < self.window}
        return 0.0
