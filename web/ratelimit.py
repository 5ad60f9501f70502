"""Login throttling: at most MAX_FAILURES failed attempts per (IP, user name) in WINDOW.

Kept in process memory: one web process serves the province, and a restart forgetting the counters is
acceptable (the limit slows guessing; it is not an account lock).
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


class LoginThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, window: timedelta = WINDOW) -> None:
        self.max_failures, self.window = max_failures, window
        self._failures: dict[tuple[str, str], deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: datetime) -> deque[datetime]:
        times = self._failures[key]
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def blocked(self, ip: str, user: str, now: datetime) -> bool:
        with self._lock:
            return len(self._recent((ip, user.lower()), now)) >= self.max_failures

    def fail(self, ip: str, user: str, now: datetime) -> None:
        with self._lock:
            self._recent((ip, user.lower()), now).append(now)

    def succeed(self, ip: str, user: str) -> None:
        with self._lock:
            self._failures.pop((ip, user.lower()), None)
