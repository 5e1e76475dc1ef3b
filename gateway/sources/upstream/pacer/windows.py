"""Where the pacer counts requests: sliding-window logs per rate key, and the vendor's pauses.

A sliding-window log keeps the send time of every request of the last window, so no window of
that length, wherever it starts, ever holds more than the cap: a token bucket with a burst of
`limit` could put twice that into a vendor's fixed window. `LocalWindows` keeps them in this
process; `RedisWindows` (``redis_windows``) shares them between replicas.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from gateway.sources.upstream.pacer.rate import RateLimit

__all__ = ["LocalWindows", "Windows"]


class Windows(Protocol):
    async def take(self, key: str, window: RateLimit | None) -> float:
        """Count one request of `key` when `key` is not paused and fewer than ``window.limit`` went
        in the last ``window.period_s`` (no `window`: no limit, only pauses): 0.0. Otherwise count
        nothing and return the seconds until that may change."""

    async def pause(self, key: str, seconds: float) -> None:
        """Let no request of `key` go for `seconds` (the vendor answered 429 and said how long)."""


class LocalWindows:
    """Sliding-window logs in this process, timed by `clock` (seconds)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._logs: dict[str, deque[float]] = {}
        self._paused_until: dict[str, float] = {}

    def paused_for(self, key: str) -> float:
        """Seconds `key` stays paused (0.0: not paused)."""
        until = self._paused_until.get(key)
        if until is None:
            return 0.0
        left = until - self._clock()
        if left <= 0:
            del self._paused_until[key]
            return 0.0
        return left

    def take_now(self, key: str, window: RateLimit | None) -> float:
        """`take`, synchronously: the in-process windows never wait for I/O."""
        paused = self.paused_for(key)
        if paused > 0 or window is None:
            return paused
        now = self._clock()
        log = self._logs.get(key)
        if log is None:
            self._forget_idle(now - window.period_s)
            log = self._logs[key] = deque()
        while log and log[0] <= now - window.period_s:
            log.popleft()
        if len(log) < window.limit:
            log.append(now)
            return 0.0
        # The slot frees when enough of the oldest sends leave the window.
        return log[len(log) - window.limit] + window.period_s - now

    def seed(self, key: str, at: float, count: int) -> None:
        """Count `count` requests of `key` sent at `at` (what another counter last said), before
        the ones counted here since."""
        log = self._logs.setdefault(key, deque())
        newer = [sent for sent in log if sent > at]
        log.clear()
        log.extend([at] * count + newer)

    async def take(self, key: str, window: RateLimit | None) -> float:
        return self.take_now(key, window)

    async def pause(self, key: str, seconds: float) -> None:
        until = self._clock() + seconds
        if until > self._paused_until.get(key, 0.0):
            self._paused_until[key] = until

    def _forget_idle(self, before: float) -> None:
        """Drop the logs with nothing sent after `before` (rate keys come and go with tokens)."""
        for key in [key for key, log in self._logs.items() if not log or log[-1] <= before]:
            del self._logs[key]
