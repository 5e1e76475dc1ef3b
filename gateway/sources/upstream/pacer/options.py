"""How one source instance is paced: its options, validated at start-up."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from gateway.config import ConfigError
from gateway.sources.upstream.pacer.rate import RateLimit

__all__ = ["Pacing"]

_DEFAULT_CONCURRENCY = 8
# A concurrency cap that lets a window's worth of calls go at once, within reason.
_MAX_DERIVED_CONCURRENCY = 32


@dataclasses.dataclass(frozen=True)
class Pacing:
    """`limit` per rate key (None: unpaced, the vendor's 429 pauses still apply), sent with
    `margin_s` seconds of slack per window; a call waits at most `max_wait_s` for its slot when
    it has no deadline of its own (background work); `fallback_share` of each budget is this replica's while the
    shared counters (Redis) are unreachable; at most `max_concurrency` calls are in flight."""

    limit: RateLimit | None
    margin_s: float = 0.1
    max_wait_s: float = 30.0
    fallback_share: float = 0.5
    max_concurrency: int = _DEFAULT_CONCURRENCY

    @classmethod
    def from_options(cls, instance: str, options: Mapping[str, Any], default: RateLimit | None) -> Pacing:
        """The pacing of source `instance` from its options (``rate_limit``, ``rate_margin_s``,
        ``rate_max_wait_s``, ``rate_fallback_share``, ``max_concurrency``) over the vendor's
        `default` limit; `ConfigError` naming the source and the option when one is wrong."""

        def number(name: str, default: float, *, low: float, high: float = math.inf) -> float:
            value = options.get(name, default)
            if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
                raise ConfigError(f"source {instance!r}: {name} must be a number from {low:g} to {high:g}")
            return float(value)

        limit = _limit(instance, options.get("rate_limit", default))
        concurrency = options.get("max_concurrency", _derived_concurrency(limit))
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ConfigError(f"source {instance!r}: max_concurrency must be a whole number of at least 1")
        return cls(
            limit,
            margin_s=number("rate_margin_s", cls.margin_s, low=0),
            max_wait_s=number("rate_max_wait_s", cls.max_wait_s, low=0),
            fallback_share=number("rate_fallback_share", cls.fallback_share, low=0.01, high=1),
            max_concurrency=concurrency,
        )


def _limit(instance: str, value: Any) -> RateLimit | None:
    if value is None or value is False:
        return None
    if isinstance(value, RateLimit):
        return value
    if not isinstance(value, str):
        raise ConfigError(f'source {instance!r}: rate_limit must be "<requests>/<seconds>" or false')
    try:
        return RateLimit.parse(value)
    except ValueError as exc:
        raise ConfigError(f"source {instance!r}: rate_limit {exc}") from None


def _derived_concurrency(limit: RateLimit | None) -> int:
    """Enough in flight that a window's budget is not sent in waves (the pacer does the pacing)."""
    if limit is None:
        return _DEFAULT_CONCURRENCY
    return max(_DEFAULT_CONCURRENCY, min(_MAX_DERIVED_CONCURRENCY, limit.limit))
