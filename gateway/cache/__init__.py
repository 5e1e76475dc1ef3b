"""Caching: one `Cache` interface, an in-process and a Redis implementation, and what is built on it."""

from gateway.cache.base import Cache, cache_key, take_lease
from gateway.cache.memory import MemoryCache
from gateway.cache.read_through import ReadThrough
from gateway.cache.redis import DEFAULT_POOL_SIZE, RedisCache
from gateway.cache.singleflight import SingleFlight

__all__ = [
    "DEFAULT_POOL_SIZE",
    "Cache",
    "MemoryCache",
    "ReadThrough",
    "RedisCache",
    "SingleFlight",
    "cache_key",
    "take_lease",
]
