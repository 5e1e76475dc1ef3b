"""Read-through entries under generations, over both caches: invalidation, stale writes, outages."""

import asyncio

import pytest

from gateway.cache import Cache, MemoryCache, ReadThrough, RedisCache
from gateway.errors import CacheUnavailable
from tests.waiting import wait_until

TTLS = {"user": 60.0, "recording": 60.0}


class Vendor:
    """Answers ``<key>#<n>`` on its n-th fetch of a key, once let go (`go` starts set)."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []
        self.go = asyncio.Event()
        self.go.set()

    async def fetch(self, keys: list[str]) -> dict[str, bytes]:
        self.asked.append(sorted(keys))
        answers = {key: f"{key}#{sum(key in asked for asked in self.asked)}".encode() for key in keys}
        await self.go.wait()
        return answers


async def test_hits_are_served_and_misses_fetched_once(cache: Cache):
    users, vendor = ReadThrough(cache, "wx", TTLS), Vendor()
    assert await users.get("user", ["a", "b", "a"], vendor.fetch) == {"a": b"a#1", "b": b"b#1"}
    assert await users.get("user", ["b", "c"], vendor.fetch) == {"b": b"b#1", "c": b"c#1"}
    assert vendor.asked == [["a", "b"], ["c"]]
    other_replica = ReadThrough(cache, "wx", TTLS)
    assert await other_replica.get("user", ["a", "b", "c"], vendor.fetch) == {"a": b"a#1", "b": b"b#1", "c": b"c#1"}
    assert len(vendor.asked) == 2


async def test_invalidation_turns_every_entry_of_the_entity_into_a_miss_on_every_replica(cache: Cache):
    users, vendor = ReadThrough(cache, "wx", TTLS), Vendor()
    await users.get("user", ["a"], vendor.fetch)
    await users.get("recording", ["r"], vendor.fetch)
    await ReadThrough(cache, "wx", TTLS).invalidate("user")
    assert await users.get("user", ["a"], vendor.fetch) == {"a": b"a#2"}
    assert await users.get("recording", ["r"], vendor.fetch) == {"r": b"r#1"}, "other entities keep theirs"
    assert await ReadThrough(cache, "gc", TTLS).get("user", ["a"], vendor.fetch) == {"a": b"a#3"}, "per namespace"


async def test_what_a_fetch_begun_before_an_invalidation_brings_is_not_kept(cache: Cache):
    users, vendor = ReadThrough(cache, "wx", TTLS), Vendor()
    vendor.go.clear()
    before = asyncio.create_task(users.get("user", ["a"], vendor.fetch))
    await wait_until(lambda: vendor.asked, "the first fetch is under way")
    await users.invalidate("user")
    after = asyncio.create_task(users.get("user", ["a"], vendor.fetch))
    await wait_until(lambda: len(vendor.asked) == 2, "a caller after the invalidation does not join the earlier fetch")
    vendor.go.set()
    assert await before == {"a": b"a#1"} and await after == {"a": b"a#2"}
    # The older answer may have overwritten the newer entry (then a miss), but is never served.
    assert (await users.get("user", ["a"], vendor.fetch))["a"] != b"a#1"


async def test_fresh_reads_skip_the_cache_and_refill_it(cache: Cache):
    users, vendor = ReadThrough(cache, "wx", TTLS), Vendor()
    await users.get("user", ["a"], vendor.fetch)
    assert await users.get("user", ["a"], vendor.fetch, fresh=True) == {"a": b"a#2"}
    assert await users.get("user", ["a"], vendor.fetch) == {"a": b"a#2"}
    assert len(vendor.asked) == 2


async def test_an_entity_without_a_ttl_is_never_cached(cache: Cache):
    vendor = Vendor()
    uncached = ReadThrough(cache, "wx", {})
    await uncached.get("user", ["a"], vendor.fetch)
    assert await uncached.get("user", ["a"], vendor.fetch) == {"a": b"a#2"}


async def test_a_generation_the_cache_lost_is_drawn_anew_and_its_entries_are_misses():
    cache = MemoryCache(max_entries=3)
    source, vendor = ReadThrough(cache, "wx", TTLS), Vendor()
    await source.get("user", ["a"], vendor.fetch)  # the user generation, then a
    await source.get("recording", ["r"], vendor.fetch)  # evicts the user generation (least recently used)
    assert await source.get("user", ["a"], vendor.fetch) == {"a": b"a#2"}, "a is still stored, but not served"


async def test_a_cache_outage_never_fails_a_call():
    unreachable = RedisCache.from_url("redis://127.0.0.1:1/0")
    users, vendor = ReadThrough(unreachable, "wx", TTLS), Vendor()
    assert await users.get("user", ["a"], vendor.fetch) == {"a": b"a#1"}
    assert await users.get("user", ["a"], vendor.fetch) == {"a": b"a#2"}
    with pytest.raises(CacheUnavailable):
        await users.invalidate("user")
    await unreachable.aclose()
