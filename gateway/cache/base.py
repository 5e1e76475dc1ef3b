"""The cache interface every implementation satisfies, and how cache keys are built."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Protocol

from gateway.errors import GatewayError

__all__ = ["Cache", "cache_key", "take_lease"]


class Cache(Protocol):
    """Bytes by key with a time to live. Implementations: `MemoryCache`, `RedisCache`."""

    async def get(self, key: str) -> bytes | None: ...

    async def get_many(self, keys: list[str]) -> list[bytes | None]: ...

    async def set(self, key: str, value: bytes, *, ttl_s: float) -> None: ...

    async def set_many(self, entries: Mapping[str, bytes], *, ttl_s: float) -> None:
        """Set every entry, all with the same time to live, in one round trip."""

    async def add(self, key: str, value: bytes, *, ttl_s: float) -> bool:
        """Set `key` only if absent (a lease): True when this call set it."""

    async def add_many(self, keys: list[str], value: bytes, *, ttl_s: float) -> list[bool]:
        """`add` for each key in one round trip: per key, whether this call set it."""

    async def delete(self, *keys: str) -> None: ...

    async def ping(self) -> None:
        """Raise when the cache cannot be reached."""

    async def aclose(self) -> None: ...


def cache_key(namespace: str, *parts: str) -> str:
    """``namespace:<digest>``: parts (which may hold user input or secrets) never appear in clear."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"{namespace}:{digest}"


async def take_lease(cache: Cache, name: str, *, ttl_s: float) -> bool:
    """Whether this replica holds the lease `name` for the next `ttl_s` (one replica per round of
    background work); True when the shared cache cannot say, so every replica works for itself."""
    try:
        return await cache.add(cache_key(name), b"1", ttl_s=ttl_s)
    except GatewayError:
        return True
