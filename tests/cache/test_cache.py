"""One contract for both caches, run against the in-process LRU and the real Redis."""

import asyncio

import pytest

from gateway.cache import DEFAULT_POOL_SIZE, Cache, MemoryCache, RedisCache, cache_key
from gateway.config import ConfigError, Settings
from gateway.errors import CacheUnavailable
from tests.conftest import REDIS_URL
from tests.waiting import wait_until


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


async def test_set_many_and_add_many(cache: Cache):
    await cache.set_many({"a": b"1", "b": b"2"}, ttl_s=60)
    assert await cache.get_many(["a", "b"]) == [b"1", b"2"]
    await cache.set_many({"never": b"x"}, ttl_s=0)
    assert await cache.get("never") is None
    assert await cache.add_many(["a", "c", "d"], b"new", ttl_s=60) == [False, True, True]
    assert await cache.get_many(["a", "c"]) == [b"1", b"new"]
    assert await cache.add_many([], b"x", ttl_s=60) == []


async def test_redis_commands_wait_for_a_free_connection(redis_prefix: str):
    cache = RedisCache.from_url(REDIS_URL, prefix=redis_prefix, pool_size=1)
    try:
        await asyncio.gather(*(cache.set(f"k{i}", b"v", ttl_s=60) for i in range(50)))
        assert await asyncio.gather(*(cache.get(f"k{i}") for i in range(50))) == [b"v"] * 50
        await cache.delete(*(f"k{i}" for i in range(50)))
    finally:
        await cache.aclose()


def test_the_redis_pool_size_is_a_setting():
    assert Settings.from_environ({}).redis_pool_size == DEFAULT_POOL_SIZE
    assert Settings.from_environ({"RECGATE_REDIS_POOL_SIZE": "8"}).redis_pool_size == 8
    with pytest.raises(ConfigError, match="RECGATE_REDIS_POOL_SIZE"):
        Settings.from_environ({"RECGATE_REDIS_POOL_SIZE": "0"})
    with pytest.raises(ValueError, match="pool_size"):
        RedisCache.from_url(REDIS_URL, pool_size=0)
