"""The cache under test: the in-process LRU or the real Redis (under a prefix of its own, emptied after)."""

from collections.abc import AsyncIterator

import pytest

from gateway.cache import Cache, MemoryCache, RedisCache
from tests.conftest import REDIS_URL


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
