"""Caching: one `Cache` interface, an in-process and a Redis implementation."""

from gateway.cache.base import Cache, cache_key, take_lease
from gateway.cache.memory import MemoryCache
from gateway.cache.redis import RedisCache

__all__ = ["Cache", "MemoryCache", "RedisCache", "cache_key", "take_lease"]
