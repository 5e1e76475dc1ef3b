"""Recording events (created, updated, deleted) published by writers, streamed to subscribers.

`InProcessEvents` fans events out inside one process; every subscriber gets its own bounded
queue, and a subscriber too slow to keep up loses the oldest events rather than stalling
publishers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
from collections.abc import AsyncIterator
from datetime import datetime

__all__ = ["EventType", "InProcessEvents", "RecordingChange"]


class EventType(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    ANNOTATED = "annotated"


@dataclasses.dataclass(frozen=True)
class RecordingChange:
    type: EventType
    source: str
    recording_id: str
    occurred_at: datetime


class InProcessEvents:
    def __init__(self, queue_size: int = 1000) -> None:
        self._queue_size = queue_size
        self._subscribers: set[asyncio.Queue[RecordingChange]] = set()

    async def publish(self, change: RecordingChange) -> None:
        for queue in self._subscribers:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(change)

    async def subscribe(self) -> AsyncIterator[RecordingChange]:
        queue: asyncio.Queue[RecordingChange] = asyncio.Queue(self._queue_size)
        self._subscribers.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers.discard(queue)
