"""One contract for both caches, run against the in-process LRU and the real Redis."""

from collections.abc import AsyncIterator

import pytest

from gateway.cache import Cache, MemoryCache, RedisCache, cache_key
from gateway.errors import CacheUnavailable
from tests.conftest import REDIS_URL
from tests.waiting import wait_until


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest, redis_prefix: str) -> AsyncIterator[Cache]:
    if request.param == "memory":
        yield MemoryCache(max_entries=100)
        return
    redis_cache = RedisCache.from_url(REDIS_URL, prefix=redis_prefix)
    yield redis_cache
    keys = [key async for key in redis_cache.client.scan_iter(match=redis_prefix + "*")]
    if keys:
        await redis_cache.client.delete(*keys)
    await redis_cache.aclose()


async def test_get_set_delete(cache: Cache):
    assert await cache.get("a") is None
    await cache.set("a", b"1", ttl_s=60)
    await cache.set("b", b"2", ttl_s=60)
    assert await cache.get("a") == b"1"
    assert await cache.get_many(["a", "missing", "b"]) == [b"1", None, b"2"]
    await cache.delete("a", "missing")
    assert await cache.get("a") is None
    assert await cache.get_many([]) == []
    await cache.ping()


async def test_entries_expire(cache: Cache):
    await cache.set("short", b"x", ttl_s=0.05)
    await cache.set("long", b"y", ttl_s=60)
    await wait_until(lambda: _absent(cache, "short"), "the short entry expires")
    assert await cache.get("long") == b"y"


async def _absent(cache: Cache, key: str) -> bool:
    return await cache.get(key) is None


async def test_memory_entries_live_exactly_their_ttl():
    now = [100.0]
    cache = MemoryCache(max_entries=10, clock=lambda: now[0])
    await cache.set("k", b"v", ttl_s=5)
    now[0] = 104.999
    assert await cache.get("k") == b"v"
    now[0] = 105.0
    assert await cache.get("k") is None


async def test_zero_ttl_is_not_stored(cache: Cache):
    await cache.set("never", b"x", ttl_s=0)
    assert await cache.get("never") is None


async def test_redis_keys_live_under_the_prefix(redis_prefix: str):
    cache = RedisCache.from_url(REDIS_URL, prefix=redis_prefix)
    try:
        await cache.set("k", b"v", ttl_s=60)
        assert await cache.client.get(redis_prefix + "k") == b"v"
        assert 0 < await cache.client.pttl(redis_prefix + "k") <= 60_000
    finally:
        await cache.delete("k")
        await cache.aclose()


async def test_memory_cache_evicts_the_least_recently_used():
    cache = MemoryCache(max_entries=2)
    await cache.set("a", b"1", ttl_s=60)
    await cache.set("b", b"2", ttl_s=60)
    await cache.get("a")
    await cache.set("c", b"3", ttl_s=60)
    assert await cache.get_many(["a", "b", "c"]) == [b"1", None, b"3"]


async def test_unreachable_redis_fails_ping():
    cache = RedisCache.from_url("redis://127.0.0.1:1/0")
    with pytest.raises(CacheUnavailable):
        await cache.ping()
    with pytest.raises(CacheUnavailable):
        await cache.get("k")
    await cache.aclose()


def test_cache_keys_never_hold_their_parts_in_clear():
    key = cache_key("recordings", "gc-emea", "Bearer secret-token-123")
    assert key.startswith("recordings:") and "secret" not in key and "gc-emea" not in key
    assert key == cache_key("recordings", "gc-emea", "Bearer secret-token-123")
    assert key != cache_key("recordings", "gc-emea", "Bearer other")


async def test_add_sets_only_when_absent(cache: Cache):
    assert await cache.add("lease", b"one", ttl_s=60) is True
    assert await cache.add("lease", b"two", ttl_s=60) is False
    assert await cache.get("lease") == b"one"
