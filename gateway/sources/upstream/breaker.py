"""A circuit breaker per source instance: stop calling a source that keeps failing."""

from __future__ import annotations

import contextlib
import enum
import time
from collections.abc import Callable, Iterator

__all__ = ["BreakerState", "CircuitBreaker"]


class BreakerState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Opens after `threshold` consecutive failures; after `reset_after_s` lets one trial through."""

    def __init__(
        self, threshold: int = 5, reset_after_s: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.reset_after_s = reset_after_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False
        self._trials = 0  # trials let through so far: which one is running

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.reset_after_s:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """Whether a call may go out now (half open: only one trial at a time)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._trial_running:
            self._trial_running = True
            self._trials += 1
            return True
        return False

    @contextlib.contextmanager
    def attempt(self) -> Iterator[bool]:
        """Around one call: yields whether it may go out (`allow`). A half-open trial ends with the
        block however the block ends, cancelled, raising or with no verdict (a 429), so the next
        call gets to try: the breaker never stays open for want of an answer."""
        before = self._trials
        allowed = self.allow()
        trial = self._trials if self._trials != before else None
        try:
            yield allowed
        finally:
            if trial is not None and self._trials == trial and self._trial_running:
                self._trial_running = False

    def succeeded(self) -> None:
        self._failures, self._opened_at, self._trial_running = 0, None, False

    def failed(self) -> None:
        self._failures += 1
        self._trial_running = False
        if self._failures >= self.threshold or self._opened_at is not None:
            self._opened_at = self._clock()
