"""The shared upstream strategies: retry policy and circuit breaker."""

from gateway.errors import SourceRateLimited, SourceRejected, SourceTimeout, SourceUnavailable
from gateway.sources.upstream import Backoff, BreakerState, CircuitBreaker, Retry


def test_retry_policy():
    retry = Retry(Backoff(base_s=0.01, cap_s=0.02), retries=2, max_wait_s=5)
    assert 0.005 <= retry.delay(SourceTimeout("s", "t"), 1) <= 0.02
    assert retry.delay(SourceUnavailable("s", "down"), 3) is None, "only `retries` more attempts"
    assert retry.delay(SourceRejected("s", "400"), 1) is None, "a refusal is final"
    assert retry.delay(SourceRateLimited("s", "429", retry_after_s=1.5), 1) == 1.5, "the vendor's hint wins"
    assert retry.delay(SourceRateLimited("s", "429", retry_after_s=60), 1) is None, "too long: fail fast"
    assert retry.delay(SourceTimeout("s", "t"), 1, idempotent=False) is None, "a POST may have acted"
    assert retry.delay(SourceRateLimited("s", "429", retry_after_s=0.1), 1, idempotent=False) == 0.1


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_circuit_breaker_opens_then_lets_one_trial_through():
    clock = Clock()
    breaker = CircuitBreaker(threshold=2, reset_after_s=10, clock=clock)
    breaker.failed()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()
    breaker.failed()
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    clock.now = 11
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow() and not breaker.allow(), "one trial at a time"
    breaker.failed()
    assert breaker.state is BreakerState.OPEN, "a failed trial reopens it"
    clock.now = 22
    assert breaker.allow()
    breaker.succeeded()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()
