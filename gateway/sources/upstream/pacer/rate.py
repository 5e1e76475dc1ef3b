"""A vendor's stated rate limit as a value: at most `limit` requests in any `period_s` seconds."""

from __future__ import annotations

import dataclasses
import math

__all__ = ["RateLimit"]


@dataclasses.dataclass(frozen=True)
class RateLimit:
    """At most `limit` requests in any `period_s` seconds, for one rate key."""

    limit: int
    period_s: float

    def __post_init__(self) -> None:
        if self.limit < 1 or not math.isfinite(self.period_s) or self.period_s <= 0:
            raise ValueError(f"a rate limit needs at least 1 request per a positive period, not {self}")

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """``"300/60"``: 300 requests per 60 seconds."""
        count, slash, seconds = text.partition("/")
        try:
            if not slash:
                raise ValueError(text)
            return cls(int(count), float(seconds))
        except ValueError:
            raise ValueError(f"{text!r} is not <requests>/<seconds>, at least 1 per a positive period") from None

    def widened(self, margin_s: float) -> RateLimit:
        """The same count over a window longer by `margin_s`, so jitter between sending and arriving
        never puts more than `limit` arrivals into one period at the vendor."""
        return RateLimit(self.limit, self.period_s + margin_s)

    def share(self, fraction: float) -> RateLimit:
        """The part `fraction` (0-1] of this budget: fewer requests per period, or, below one request
        per period, one request per proportionally longer period."""
        allowed = self.limit * fraction
        if allowed >= 1:
            return RateLimit(math.floor(allowed), self.period_s)
        return RateLimit(1, self.period_s / allowed)

    def __str__(self) -> str:
        return f"{self.limit}/{self.period_s:g}"
