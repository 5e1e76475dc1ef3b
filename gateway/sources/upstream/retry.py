"""Retries with exponential backoff and jitter, as a small strategy object per source."""

from __future__ import annotations

import dataclasses
import math
import random

from gateway.errors import SourceError, SourceRateLimited, SourceTimeout, SourceUnavailable
from gateway.sources.upstream.pacer import NoSlotInTime

__all__ = ["Backoff", "Retry"]


@dataclasses.dataclass(frozen=True)
class Backoff:
    """``base * 2**failures`` seconds, capped, with full jitter."""

    base_s: float = 0.1
    cap_s: float = 2.0

    def compute(self, failures: int, rng: random.Random | None = None) -> float:
        ceiling = min(self.cap_s, self.base_s * 2**failures)
        return (rng or random).uniform(ceiling / 2, ceiling)


@dataclasses.dataclass(frozen=True)
class Retry:
    """Up to `retries` more attempts for the errors in `retry_on`; a vendor's retry hint wins
    over the backoff when it is at most `max_wait_s` (longer waits fail fast instead)."""

    backoff: Backoff = Backoff()
    retries: int = 2
    retry_on: tuple[type[SourceError], ...] = (SourceTimeout, SourceUnavailable, SourceRateLimited)
    max_wait_s: float = 5.0

    def delay(
        self, error: SourceError, failures: int, *, idempotent: bool = True, time_left_s: float = math.inf
    ) -> float | None:
        """Seconds to wait before attempt `failures + 1`, or None to give up.

        A call that is not idempotent (POST, PATCH) is retried only after a 429: the source
        refused it outright, whereas after a timeout or a 5xx it may have acted already. No
        retry starts whose wait would use up the `time_left_s` of the request's deadline, nor
        one of a call the pacer had no slot for in time: its time is up.
        """
        if failures > self.retries or not isinstance(error, self.retry_on) or isinstance(error, NoSlotInTime):
            return None
        if not idempotent and not isinstance(error, SourceRateLimited):
            return None
        hint = getattr(error, "retry_after_s", None)
        if hint is not None and hint > self.max_wait_s:
            return None
        wait = self.backoff.compute(failures - 1) if hint is None else hint
        return wait if wait < time_left_s else None
