"""The shared upstream strategies: retry policy and circuit breaker."""

import asyncio

import pytest

from gateway.cache import MemoryCache
from gateway.errors import SourceRateLimited, SourceRejected, SourceTimeout, SourceUnavailable
from gateway.sources.upstream import Backoff, BreakerState, CircuitBreaker, Retry
from gateway.sources.upstream.pacer import NoSlotInTime
from tests.sources.conftest import Counts, running_sandbox
from tests.sources.test_bandwidth import bandwidth
from tests.sources.test_pacing_vendors import replica
from tests.waiting import wait_until

BW_LIST = "/v1/users/{userId}/recordings"


def test_retry_policy():
    retry = Retry(Backoff(base_s=0.01, cap_s=0.02), retries=2, max_wait_s=5)
    assert 0.005 <= retry.delay(SourceTimeout("s", "t"), 1) <= 0.02
    assert retry.delay(SourceUnavailable("s", "down"), 3) is None, "only `retries` more attempts"
    assert retry.delay(SourceRejected("s", "400"), 1) is None, "a refusal is final"
    assert retry.delay(SourceRateLimited("s", "429", retry_after_s=1.5), 1) == 1.5, "the vendor's hint wins"
    assert retry.delay(SourceRateLimited("s", "429", retry_after_s=60), 1) is None, "too long: fail fast"
    assert retry.delay(SourceTimeout("s", "t"), 1, idempotent=False) is None, "a POST may have acted"
    assert retry.delay(SourceRateLimited("s", "429", retry_after_s=0.1), 1, idempotent=False) == 0.1
    assert retry.delay(NoSlotInTime("s", "no slot in time", retry_after_s=0.1), 1) is None, "its time is up"


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


def open_breaker(clock: Clock) -> CircuitBreaker:
    """A breaker that has opened and is half open now (its trial not taken)."""
    breaker = CircuitBreaker(threshold=1, reset_after_s=10, clock=clock)
    breaker.failed()
    clock.now += 11
    return breaker


def test_a_half_open_trial_that_raises_or_ends_without_a_verdict_is_released():
    clock = Clock()
    breaker = open_breaker(clock)
    with pytest.raises(KeyError), breaker.attempt() as allowed:
        assert allowed
        raise KeyError("anything but a source failure")
    assert breaker.state is BreakerState.HALF_OPEN
    with breaker.attempt() as allowed:
        assert allowed, "the next call is the trial now"
        with breaker.attempt() as second:
            assert not second, "still one trial at a time"
    with breaker.attempt() as allowed:  # a 429: no verdict either
        assert allowed
    with breaker.attempt() as allowed:
        assert allowed
        breaker.succeeded()
    assert breaker.state is BreakerState.CLOSED


async def test_a_cancelled_half_open_trial_is_released():
    clock = Clock()
    breaker = open_breaker(clock)
    entered = asyncio.Event()

    async def trial() -> None:
        with breaker.attempt() as allowed:
            assert allowed
            entered.set()
            await asyncio.Event().wait()  # the vendor never answers

    task = asyncio.create_task(trial())
    await entered.wait()
    assert not breaker.allow(), "the trial is running"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert breaker.allow(), "the cancelled trial let the next call try"


def test_a_call_let_through_before_opening_does_not_end_the_trial_of_another():
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, reset_after_s=10, clock=clock)
    with breaker.attempt() as early:
        assert early
        breaker.failed()  # another call fails meanwhile
        clock.now = 11
        assert breaker.allow(), "the trial"
    assert not breaker.allow(), "the early call's end left the trial running"


async def test_a_trial_through_upstream_is_released_when_cancelled_or_refused_by_the_pacer(tmp_path):
    clock = Clock()
    async with running_sandbox("bandwidth", size=3) as sandbox:
        counts = Counts(sandbox.base_url)
        upstream = replica(bandwidth(sandbox, retries=0, rate_limit=False), MemoryCache())
        upstream.breaker = CircuitBreaker(threshold=2, reset_after_s=30, clock=clock)
        path = f"/v1/users/{sandbox.connection['user_id']}/recordings"
        try:
            await counts.knobs(outage=True)
            for _ in range(2):
                with pytest.raises(SourceUnavailable):
                    await upstream.request("GET", path)
            assert upstream.breaker.state is BreakerState.OPEN
            await counts.knobs(outage=False, latency_ms=2000)  # the sandbox stops once it has answered
            clock.now += 31
            await counts.reset()
            trial = asyncio.create_task(upstream.request("GET", path))

            async def sent() -> bool:
                return (await counts.read()).get(f"GET {BW_LIST}", 0) == 1

            await wait_until(sent, "the trial reached the vendor")
            trial.cancel()
            with pytest.raises(asyncio.CancelledError):
                await trial

            await counts.knobs(latency_ms=0, throttle_rate=1.0, retry_after_s=120)
            with pytest.raises(SourceRateLimited):
                await upstream.request("GET", path)  # the next trial: a 429, no verdict
            with pytest.raises(NoSlotInTime):
                await upstream.request("GET", path)  # the next: the key is paused, nothing sent
            assert upstream.breaker.state is BreakerState.HALF_OPEN and upstream.breaker.allow()
        finally:
            await upstream.aclose()
