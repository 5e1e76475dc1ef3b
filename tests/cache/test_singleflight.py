"""Single-flight over both caches: in one process by shared tasks, across replicas by locks in Redis."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from gateway.cache import Cache, RedisCache, SingleFlight
from gateway.errors import SourceUnavailable
from tests.conftest import REDIS_URL
from tests.waiting import wait_until


class Vendor:
    """What the flights fetch from: it answers once let go (`go`), and stores what it answers in
    `cache` (when given) as the read-through cache does; counts what it was asked."""

    def __init__(self, cache: Cache | None = None, *, failure: Exception | None = None) -> None:
        self.cache = cache
        self.failure = failure
        self.go = asyncio.Event()
        self.asked: list[list[str]] = []
        self.cancelled = 0
        self.peeks = 0

    async def fetch(self, keys: list[str]) -> dict[str, bytes]:
        self.asked.append(sorted(keys))
        try:
            await self.go.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        if self.failure is not None:
            raise self.failure
        values = {key: f"value of {key}".encode() for key in keys}
        if self.cache is not None:
            await self.cache.set_many(values, ttl_s=60)
        return values

    async def peek(self, keys: list[str]) -> dict[str, bytes]:
        self.peeks += 1
        if self.cache is None:
            return {}
        values = await self.cache.get_many(keys)
        return {key: value for key, value in zip(keys, values, strict=True) if value is not None}


def value(*keys: str) -> dict[str, bytes]:
    return {key: f"value of {key}".encode() for key in keys}


async def test_callers_of_the_same_keys_share_one_fetch(cache: Cache):
    flights: SingleFlight[bytes] = SingleFlight(cache)
    vendor = Vendor(cache)
    same = [asyncio.create_task(flights.run(["a", "b"], vendor.fetch, vendor.peek)) for _ in range(5)]
    await wait_until(lambda: len(vendor.asked) == 1, "the first flight fetches")
    overlapping = asyncio.create_task(flights.run(["b", "c"], vendor.fetch, vendor.peek))
    await wait_until(lambda: len(vendor.asked) == 2, "the overlapping caller fetches only what is not in flight")
    vendor.go.set()
    assert await asyncio.gather(*same) == [value("a", "b")] * 5
    assert await overlapping == value("b", "c")
    assert vendor.asked == [["a", "b"], ["c"]]
    assert flights.in_flight == 0


async def test_a_cancelled_caller_leaves_the_fetch_to_the_others(cache: Cache):
    flights: SingleFlight[bytes] = SingleFlight(cache)
    vendor = Vendor(cache)
    leaving, staying = (asyncio.create_task(flights.run(["a"], vendor.fetch, vendor.peek)) for _ in range(2))
    await wait_until(lambda: vendor.asked, "the flight fetches")
    leaving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leaving
    vendor.go.set()
    assert await staying == value("a")
    assert vendor.asked == [["a"]] and vendor.cancelled == 0


async def test_the_fetch_stops_when_nobody_waits_for_it(cache: Cache):
    flights: SingleFlight[bytes] = SingleFlight(cache)
    vendor = Vendor(cache)
    caller = asyncio.create_task(flights.run(["a"], vendor.fetch, vendor.peek))
    await wait_until(lambda: vendor.asked, "the flight fetches")
    caller.cancel()
    await wait_until(lambda: vendor.cancelled == 1, "the fetch is cancelled")
    assert flights.in_flight == 0
    # Its lock went with it: another replica fetches at once rather than waiting for a delivery.
    replica: SingleFlight[bytes] = SingleFlight(cache, wait_s=60)
    again = Vendor(cache)
    again.go.set()
    assert await asyncio.wait_for(replica.run(["a"], again.fetch, again.peek), 10) == value("a")
    assert again.asked == [["a"]]


async def test_an_error_reaches_every_caller_and_is_not_kept(cache: Cache):
    flights: SingleFlight[bytes] = SingleFlight(cache)
    vendor = Vendor(cache, failure=SourceUnavailable("wx", "down"))
    callers = [asyncio.create_task(flights.run(["a"], vendor.fetch, vendor.peek)) for _ in range(3)]
    await wait_until(lambda: vendor.asked, "the flight fetches")
    vendor.go.set()
    outcomes = await asyncio.gather(*callers, return_exceptions=True)
    assert all(isinstance(outcome, SourceUnavailable) for outcome in outcomes) and vendor.asked == [["a"]]
    vendor.failure = None
    assert await flights.run(["a"], vendor.fetch, vendor.peek) == value("a")
    assert vendor.asked == [["a"], ["a"]]


async def test_without_a_cache_callers_still_share_one_fetch():
    unreachable = RedisCache.from_url("redis://127.0.0.1:1/0")
    flights: SingleFlight[bytes] = SingleFlight(unreachable)
    vendor = Vendor()
    callers = [asyncio.create_task(flights.run(["a"], vendor.fetch, vendor.peek)) for _ in range(4)]
    await wait_until(lambda: vendor.asked, "the flight fetches")
    vendor.go.set()
    assert await asyncio.gather(*callers) == [value("a")] * 4
    assert vendor.asked == [["a"]]
    await unreachable.aclose()


# -- replicas: two processes' flights over one Redis ---------------------------------------------


@pytest.fixture
async def replica_caches(redis_prefix: str) -> AsyncIterator[tuple[RedisCache, RedisCache]]:
    """Each replica's own connection to the shared Redis, under one prefix."""
    first, second = (RedisCache.from_url(REDIS_URL, prefix=redis_prefix) for _ in range(2))
    yield first, second
    keys = [key async for key in first.client.scan_iter(match=redis_prefix + "*")]
    if keys:
        await first.client.delete(*keys)
    await first.aclose()
    await second.aclose()


async def test_a_replica_waits_for_what_another_is_fetching(replica_caches):
    first_cache, second_cache = replica_caches
    first, second = Vendor(first_cache), Vendor(second_cache)
    holder = asyncio.create_task(SingleFlight[bytes](first_cache).run(["a", "b"], first.fetch, first.peek))
    await wait_until(lambda: first.asked, "the first replica fetches")
    waiter = asyncio.create_task(SingleFlight[bytes](second_cache).run(["b", "c"], second.fetch, second.peek))
    second.go.set()
    await wait_until(lambda: second.asked and second.peeks >= 3, "the second fetches c and polls for b")
    first.go.set()
    assert await holder == value("a", "b")
    assert await waiter == value("b", "c")
    assert first.asked == [["a", "b"]] and second.asked == [["c"]], "b fetched once for both replicas"


async def test_a_replica_fetches_itself_when_the_holder_fails(replica_caches):
    first_cache, second_cache = replica_caches
    first, second = Vendor(first_cache, failure=SourceUnavailable("wx", "down")), Vendor(second_cache)
    second.go.set()
    holder = asyncio.create_task(SingleFlight[bytes](first_cache).run(["a"], first.fetch, first.peek))
    await wait_until(lambda: first.asked, "the first replica fetches")
    waiter = asyncio.create_task(SingleFlight[bytes](second_cache, wait_s=60).run(["a"], second.fetch, second.peek))
    await wait_until(lambda: second.peeks >= 2, "the second polls for it")
    first.go.set()
    with pytest.raises(SourceUnavailable):
        await holder
    assert await asyncio.wait_for(waiter, 10) == value("a"), "the lock went without a value: fetched at once"
    assert second.asked == [["a"]]


async def test_a_replica_fetches_itself_when_the_holder_does_not_deliver_in_time(replica_caches):
    first_cache, second_cache = replica_caches
    first, second = Vendor(first_cache), Vendor(second_cache)
    second.go.set()
    holder = asyncio.create_task(SingleFlight[bytes](first_cache).run(["a"], first.fetch, first.peek))
    await wait_until(lambda: first.asked, "the first replica fetches (and never answers)")
    waiting = SingleFlight[bytes](second_cache, wait_s=0.05)
    assert await waiting.run(["a"], second.fetch, second.peek) == value("a")
    assert second.asked == [["a"]]
    holder.cancel()
    await wait_until(lambda: first.cancelled == 1, "the stuck fetch is cancelled")
