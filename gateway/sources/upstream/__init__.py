"""What every vendor connector shares: one `Upstream` per source instance and its strategies."""

from gateway.sources.upstream.auth import BearerToken, ClientCredentials
from gateway.sources.upstream.breaker import BreakerState, CircuitBreaker
from gateway.sources.upstream.client import Upstream
from gateway.sources.upstream.dialect import Dialect
from gateway.sources.upstream.retry import Backoff, Retry

__all__ = [
    "Backoff",
    "BearerToken",
    "BreakerState",
    "CircuitBreaker",
    "ClientCredentials",
    "Dialect",
    "Retry",
    "Upstream",
]
