"""Redis-backed cache, shared by every gateway replica."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator, Mapping

from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError

from gateway.errors import CacheUnavailable

__all__ = ["DEFAULT_POOL_SIZE", "RedisCache"]

# Connections per process: enough for a few hundred concurrent requests, each waiting its turn.
DEFAULT_POOL_SIZE = 64
# How long a command waits for a free connection before the cache counts as unavailable: load
# queues for a moment, while an outage (nothing connects) still fails at once.
_POOL_WAIT_S = 2.0
_SOCKET_TIMEOUT_S = 2.0


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


def _px(ttl_s: float) -> int:
    return max(1, int(ttl_s * 1000))


class RedisCache:
    """Keys live under `prefix` so several gateways (or test runs) can share one Redis."""

    def __init__(self, client: Redis, *, prefix: str = "recgate:") -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "recgate:", pool_size: int = DEFAULT_POOL_SIZE) -> RedisCache:
        """A cache over at most `pool_size` connections; a command waits (bounded) for a free one
        rather than failing, so load never turns into cache misses. ``CLIENT LIST`` names them
        ``recgate-cache:<host>:<pid>``."""
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=pool_size,
            timeout=_POOL_WAIT_S,
            socket_timeout=_SOCKET_TIMEOUT_S,
            socket_connect_timeout=_SOCKET_TIMEOUT_S,
            client_name=f"recgate-cache:{socket.gethostname()}:{os.getpid()}",
        )
        return cls(Redis.from_pool(pool), prefix=prefix)

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
            await self.client.set(self.prefix + key, value, px=_px(ttl_s))

    async def set_many(self, entries: Mapping[str, bytes], *, ttl_s: float) -> None:
        if ttl_s <= 0 or not entries:
            return
        with _map_redis_errors():
            async with self.client.pipeline(transaction=False) as pipe:
                for key, value in entries.items():
                    pipe.set(self.prefix + key, value, px=_px(ttl_s))
                await pipe.execute()

    async def add(self, key: str, value: bytes, *, ttl_s: float) -> bool:
        with _map_redis_errors():
            return bool(await self.client.set(self.prefix + key, value, px=_px(ttl_s), nx=True))

    async def add_many(self, keys: list[str], value: bytes, *, ttl_s: float) -> list[bool]:
        if not keys:
            return []
        with _map_redis_errors():
            async with self.client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.set(self.prefix + key, value, px=_px(ttl_s), nx=True)
                replies = await pipe.execute()
        return [bool(reply) for reply in replies]

    async def delete(self, *keys: str) -> None:
        if keys:
            with _map_redis_errors():
                await self.client.delete(*(self.prefix + key for key in keys))

    async def ping(self) -> None:
        with _map_redis_errors():
            await self.client.ping()

    async def aclose(self) -> None:
        await self.client.aclose()
