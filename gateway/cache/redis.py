"""Redis-backed cache, shared by every gateway replica."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.errors import CacheUnavailable

__all__ = ["RedisCache"]


@contextlib.contextmanager
def _map_redis_errors() -> Iterator[None]:
    try:
        yield
    except RedisError as exc:
        raise CacheUnavailable(f"redis: {type(exc).__name__}") from exc


def _stored(value: bytes | str | None) -> bytes | None:
    """A reply as stored: bytes, since values are binary (a ``decode_responses`` client would answer str)."""
    if isinstance(value, str):
        raise TypeError("RedisCache needs a Redis client built with decode_responses=False")
    return value


class RedisCache:
    """Keys live under `prefix` so several gateways (or test runs) can share one Redis."""

    def __init__(self, client: Redis, *, prefix: str = "recgate:") -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "recgate:") -> RedisCache:
        return cls(Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2), prefix=prefix)

    async def get(self, key: str) -> bytes | None:
        with _map_redis_errors():
            value = await self.client.get(self.prefix + key)
        return _stored(value)

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        if not keys:
            return []
        with _map_redis_errors():
            values = await self.client.mget([self.prefix + key for key in keys])
        return [_stored(value) for value in values]

    async def set(self, key: str, value: bytes, *, ttl_s: float) -> None:
        if ttl_s <= 0:
            return
        with _map_redis_errors():
            await self.client.set(self.prefix + key, value, px=max(1, int(ttl_s * 1000)))

    async def add(self, key: str, value: bytes, *, ttl_s: float) -> bool:
        with _map_redis_errors():
            return bool(await self.client.set(self.prefix + key, value, px=max(1, int(ttl_s * 1000)), nx=True))

    async def delete(self, *keys: str) -> None:
        if keys:
            with _map_redis_errors():
                await self.client.delete(*(self.prefix + key for key in keys))

    async def ping(self) -> None:
        with _map_redis_errors():
            await self.client.ping()

    async def aclose(self) -> None:
        await self.client.aclose()
