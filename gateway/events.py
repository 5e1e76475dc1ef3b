"""Recording events (created, updated, annotated, deleted) published by writers, streamed to subscribers.

`InProcessEvents` fans events out inside one process (the embedded default). `RedisEvents`
goes through a Redis pub/sub channel, so a subscriber on one replica sees what another
replica published; while Redis is unreachable it still delivers inside its own process.
Every subscriber has a bounded queue: one too slow to keep up loses the oldest events rather
than stalling publishers. `live_subscriptions` tells how many subscriptions will see the next
event (for `RedisEvents`, those Redis has confirmed); a replica's Redis connections are named
`connection_name()`, so ``CLIENT LIST`` shows whose they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import json
import logging
import os
import socket
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import datetime
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

__all__ = ["EventBus", "EventType", "InProcessEvents", "RecordingChange", "RedisEvents", "connection_name"]

logger = logging.getLogger("recgate.events")


class EventType(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    STATE_CHANGED = "state_changed"
    ANNOTATED = "annotated"
    DELETED = "deleted"


@dataclasses.dataclass(frozen=True)
class RecordingChange:
    type: EventType
    source: str
    recording_id: str
    occurred_at: datetime

    def to_json(self) -> str:
        return json.dumps([self.type.value, self.source, self.recording_id, self.occurred_at.isoformat()])

    @classmethod
    def from_json(cls, raw: str | bytes) -> RecordingChange:
        kind, source, recording_id, occurred_at = json.loads(raw)
        return cls(EventType(kind), source, recording_id, datetime.fromisoformat(occurred_at))


class EventBus(Protocol):
    async def publish(self, change: RecordingChange) -> None: ...

    def subscribe(self) -> AsyncIterator[RecordingChange]: ...

    async def aclose(self) -> None: ...

    @property
    def live_subscriptions(self) -> int: ...


def connection_name(pid: int | None = None) -> str:
    """The ``CLIENT SETNAME`` of the events connections of process `pid` (default this one) on this host."""
    return f"recgate-events:{socket.gethostname()}:{os.getpid() if pid is None else pid}"


class InProcessEvents:
    def __init__(self, queue_size: int = 1000) -> None:
        self._queue_size = queue_size
        self._subscribers: set[asyncio.Queue[RecordingChange]] = set()

    async def publish(self, change: RecordingChange) -> None:
        for queue in self._subscribers:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(change)

    @property
    def live_subscriptions(self) -> int:
        """Subscriptions that will see the next event published."""
        return len(self._subscribers)

    async def subscribe(self) -> AsyncGenerator[RecordingChange, None]:
        queue: asyncio.Queue[RecordingChange] = asyncio.Queue(self._queue_size)
        self._subscribers.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers.discard(queue)

    async def aclose(self) -> None:
        self._subscribers.clear()


class RedisEvents:
    """Events through the Redis channel `channel`, shared by every replica."""

    def __init__(self, client: Redis, channel: str = "recgate:recording-events") -> None:
        self.client = client
        self.channel = channel
        self._local = InProcessEvents()
        self._confirmed = 0

    @classmethod
    def from_url(cls, url: str) -> RedisEvents:
        return cls(Redis.from_url(url, socket_connect_timeout=2, client_name=connection_name()))

    @property
    def live_subscriptions(self) -> int:
        """Subscriptions Redis has confirmed on `channel`: they see the next event of any replica."""
        return self._confirmed

    async def publish(self, change: RecordingChange) -> None:
        try:
            await self.client.publish(self.channel, change.to_json())
        except RedisError:
            logger.warning("redis unavailable: %s delivered to this replica's subscribers only", change.type.value)
            await self._local.publish(change)

    async def _remote(self) -> AsyncGenerator[RecordingChange, None]:
        confirmed = False
        try:
            async with contextlib.aclosing(self.client.pubsub(ignore_subscribe_messages=False)) as pubsub:
                await pubsub.subscribe(self.channel)
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        yield RecordingChange.from_json(message["data"])
                    elif message["type"] == "subscribe" and not confirmed:  # again after each reconnection
                        confirmed = True
                        self._confirmed += 1
        except RedisError:
            logger.warning("redis unavailable: this subscriber sees this replica's events only")
        finally:
            if confirmed:
                self._confirmed -= 1

    async def subscribe(self) -> AsyncGenerator[RecordingChange, None]:
        queue: asyncio.Queue[RecordingChange] = asyncio.Queue(1000)

        async def pump(changes: AsyncGenerator[RecordingChange, None]) -> None:
            try:
                async for change in changes:
                    if queue.full():
                        queue.get_nowait()
                    queue.put_nowait(change)
            finally:
                await changes.aclose()

        pumps = [asyncio.create_task(pump(self._remote())), asyncio.create_task(pump(self._local.subscribe()))]
        try:
            while True:
                yield await queue.get()
        finally:
            for task in pumps:
                task.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)

    async def aclose(self) -> None:
        await self._local.aclose()
        await self.client.aclose()
