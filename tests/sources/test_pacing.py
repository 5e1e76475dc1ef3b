"""The pacer on its own: sliding windows, the line of callers, options. Time is a manual clock."""

import asyncio
import contextlib
import random

import pytest
from starlette.datastructures import Secret

from gateway.cache import MemoryCache
from gateway.config import ConfigError, SourceConfig
from gateway.context import Priority
from gateway.models import SourceKind
from gateway.sources.registry import SourceDeps, create_source
from gateway.sources.upstream.pacer import LocalWindows, NoSlotInTime, Pacer, Pacing, RateLimit
from tests.waiting import wait_until

INTERACTIVE, BACKGROUND = Priority.INTERACTIVE, Priority.BACKGROUND


class ManualClock:
    """Seconds that pass only when the test advances them; `sleep` returns once they have."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleepers = 0
        self._moved = asyncio.Condition()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        until = self.now + seconds
        self.sleepers += 1
        try:
            async with self._moved:
                await self._moved.wait_for(lambda: self.now >= until)
        finally:
            self.sleepers -= 1

    async def advance(self, seconds: float) -> None:
        async with self._moved:
            self.now += seconds
            self._moved.notify_all()


def pacer_on(clock: ManualClock, limit: RateLimit | None, **pacing) -> Pacer:
    return Pacer("src", LocalWindows(clock), Pacing(limit, margin_s=0, **pacing), clock=clock, sleep=clock.sleep)


def test_rate_limits_parse_and_share():
    assert RateLimit.parse("300/60") == RateLimit(300, 60.0)
    assert RateLimit(300, 60).widened(0.5) == RateLimit(300, 60.5)
    assert RateLimit(300, 60).share(0.5) == RateLimit(150, 60)
    assert RateLimit(1, 1).share(0.5) == RateLimit(1, 2), "below one a period: a longer period"
    for text in ("300", "0/60", "5/0", "x/1", "5/-1"):
        with pytest.raises(ValueError):
            RateLimit.parse(text)


def test_pacing_options_are_validated_naming_the_source():
    assert Pacing.from_options("gc", {}, RateLimit(300, 60)) == Pacing(RateLimit(300, 60), max_concurrency=32)
    assert Pacing.from_options("bw", {"rate_limit": "2/1"}, RateLimit(1, 1)).limit == RateLimit(2, 1)
    assert Pacing.from_options("bw", {"rate_limit": False}, RateLimit(1, 1)).limit is None
    assert Pacing.from_options("en", {}, None) == Pacing(None, max_concurrency=8)
    bad = [
        {"rate_limit": "fast"},
        {"rate_limit": True},
        {"rate_limit": 5},
        {"rate_margin_s": -1},
        {"rate_max_wait_s": "soon"},
        {"rate_fallback_share": 0},
        {"rate_fallback_share": 2},
        {"max_concurrency": 0},
    ]
    for options in bad:
        with pytest.raises(ConfigError, match=r"source 'bw': " + next(iter(options))):
            Pacing.from_options("bw", options, RateLimit(1, 1))


def test_a_wrong_pacing_option_stops_the_start_up_naming_the_source():
    credentials = {name: Secret("x") for name in ("user_id", "api_token", "api_secret")}
    config = SourceConfig("bw-us", SourceKind.BANDWIDTH, "http://127.0.0.1:9", credentials, {"rate_limit": "often"})
    with pytest.raises(ConfigError, match="source 'bw-us': rate_limit 'often' is not <requests>/<seconds>"):
        create_source(config, SourceDeps(MemoryCache(), {}))


async def test_no_window_of_the_period_ever_holds_more_than_the_limit():
    clock = ManualClock()
    windows, window = LocalWindows(clock), RateLimit(3, 1.0)
    granted, rng = [], random.Random(7)
    for _ in range(400):
        clock.now += rng.choice([0.0, 0.0, 0.01, 0.1, 0.33, 0.5])
        wait = await windows.take("k", window)
        if wait == 0:
            granted.append(clock.now)
        else:
            assert wait > 0
            assert await windows.take("k", RateLimit(3, 1.0)) == wait, "a refused take counts nothing"
    assert len(granted) > 100
    for i, start in enumerate(granted):
        assert sum(1 for t in granted[i:] if t < start + window.period_s) <= window.limit


async def test_a_refusal_says_when_the_next_slot_frees_and_pauses_come_first():
    clock = ManualClock()
    windows = LocalWindows(clock)
    assert [await windows.take("k", RateLimit(2, 1.0)) for _ in range(3)] == [0, 0, 1.0]
    clock.now = 0.25
    assert await windows.take("k", RateLimit(2, 1.0)) == 0.75
    assert await windows.take("other", RateLimit(2, 1.0)) == 0, "keys count apart"
    await windows.pause("other", 5)
    await windows.pause("other", 1)  # never shortens a pause
    assert await windows.take("other", None) == 5, "an unpaced key still honours a pause"
    clock.now = 1.0
    assert await windows.take("k", RateLimit(2, 1.0)) == 0
    windows.seed("k", 1.0, 5)
    assert await windows.take("k", RateLimit(2, 1.0)) == 1.0, "seeded sends count until their window ends"


async def test_interactive_calls_go_before_background_ones():
    clock = ManualClock()
    pacer = pacer_on(clock, RateLimit(1, 1.0))
    granted: list[str] = []

    async def call(name: str, priority: Priority) -> None:
        async with pacer.slot("k", priority):
            granted.append(name)

    await call("first", INTERACTIVE)  # fills the window
    tasks = [asyncio.create_task(call("b1", BACKGROUND))]
    await wait_until(lambda: clock.sleepers == 1, "the first background call waits for the window")
    tasks.append(asyncio.create_task(call("b2", BACKGROUND)))
    tasks.append(asyncio.create_task(call("i1", INTERACTIVE)))
    await wait_until(lambda: clock.sleepers == 2, "the interactive call goes first in line and waits too")
    for count in (1, 2, 3):
        await clock.advance(1.0)
        await wait_until(lambda count=count: len(granted) == 1 + count, "one more call gets a slot")
    assert granted == ["first", "i1", "b1", "b2"]
    await asyncio.gather(*tasks)


async def test_background_work_leaves_part_of_each_window_to_interactive_calls():
    clock = ManualClock()
    pacer = pacer_on(clock, RateLimit(4, 1.0))
    async with contextlib.AsyncExitStack() as held:
        for _ in range(3):
            await held.enter_async_context(pacer.slot("k", BACKGROUND))
        waiting = asyncio.create_task(held.enter_async_context(pacer.slot("k", BACKGROUND)))
        await wait_until(lambda: clock.sleepers == 1, "the fourth background call waits")
        await held.enter_async_context(pacer.slot("k", INTERACTIVE))  # at once
        assert not waiting.done()
        waiting.cancel()


async def test_a_slot_that_cannot_come_before_the_deadline_fails_at_once():
    clock = ManualClock()
    pacer = pacer_on(clock, RateLimit(1, 1.0))
    async with pacer.slot("k", INTERACTIVE, deadline=10):
        pass
    await pacer.throttled("k", 30)
    with pytest.raises(NoSlotInTime) as failure:
        async with pacer.slot("k", INTERACTIVE, deadline=10):
            pytest.fail("no slot was due")
    assert failure.value.code == "SOURCE_RATE_LIMITED" and failure.value.retry_after_s == 30
    assert clock.sleepers == 0, "nothing waited"


async def test_callers_behind_one_that_waits_give_up_when_they_cannot_wait_as_long():
    clock = ManualClock()
    pacer = pacer_on(clock, RateLimit(1, 5.0))
    granted = asyncio.Event()

    async def patient() -> None:
        async with pacer.slot("k", INTERACTIVE, deadline=60):
            granted.set()

    async with pacer.slot("k", INTERACTIVE):
        pass
    task = asyncio.create_task(patient())
    await wait_until(lambda: clock.sleepers == 1, "the first in line waits 5 s")
    with pytest.raises(NoSlotInTime):
        async with pacer.slot("k", INTERACTIVE, deadline=2):
            pytest.fail("no slot was due")
    await clock.advance(5)
    await task
    assert granted.is_set()


async def yield_to_others() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_the_concurrency_cap_holds_calls_in_flight_not_waiting_ones():
    pacer = pacer_on(ManualClock(), None, max_concurrency=2)
    events: list[str] = []

    async def third() -> None:
        async with pacer.slot("other", INTERACTIVE):
            events.append("third in flight")

    async with contextlib.AsyncExitStack() as held:
        await held.enter_async_context(pacer.slot("k", INTERACTIVE))
        await held.enter_async_context(pacer.slot("k", BACKGROUND))
        task = asyncio.create_task(third())
        await yield_to_others()
        events.append("two leave")
    await asyncio.wait_for(task, 5)
    assert events == ["two leave", "third in flight"]
