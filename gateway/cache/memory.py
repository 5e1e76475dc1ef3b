"""In-process LRU cache with per-entry TTL: the embedded default when no Redis is configured."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping

__all__ = ["MemoryCache"]


class MemoryCache:
    """At most `max_entries` entries; the least recently used goes first, expired ones on read."""

    def __init__(self, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        return [await self.get(key) for key in keys]

    async def set(self, key: str, value: bytes, *, ttl_s: float) -> None:
        if ttl_s <= 0:
            return
        self._entries[key] = (self._clock() + ttl_s, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def set_many(self, entries: Mapping[str, bytes], *, ttl_s: float) -> None:
        for key, value in entries.items():
            await self.set(key, value, ttl_s=ttl_s)

    async def add(self, key: str, value: bytes, *, ttl_s: float) -> bool:
        if await self.get(key) is not None:
            return False
        await self.set(key, value, ttl_s=ttl_s)
        return True

    async def add_many(self, keys: list[str], value: bytes, *, ttl_s: float) -> list[bool]:
        return [await self.add(key, value, ttl_s=ttl_s) for key in keys]

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._entries.pop(key, None)

    async def ping(self) -> None:
        return None

    async def aclose(self) -> None:
        self._entries.clear()
