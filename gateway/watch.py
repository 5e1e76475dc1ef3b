"""Watch sources whose recordings change state on their own, and publish the changes as events.

Vendors like Bandwidth move a recording from ``recording`` to ``saving`` to ``complete`` with
no callback the gateway could receive, so sources declaring `Capability.STATE_EVENTS` are
polled (their newest recordings, fresh from upstream) every `interval_s`. With several
replicas, a lease in the shared cache lets only one of them poll each round.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from gateway.cache import Cache, take_lease
from gateway.context import Principal, Priority, RequestScope, use_scope
from gateway.errors import GatewayError
from gateway.events import EventBus, EventType, RecordingChange
from gateway.models import RecordingState
from gateway.query import Capability, RecordingSearch
from gateway.sources.base import Source

__all__ = ["StateWatcher"]

logger = logging.getLogger("recgate.watch")

WATCHER = Principal("state-watcher", frozenset({"*"}))
WATCHED_PER_ROUND = 100


class StateWatcher:
    def __init__(self, sources: Sequence[Source], events: EventBus, cache: Cache, *, interval_s: float) -> None:
        self.sources = [s for s in sources if Capability.STATE_EVENTS in s.capabilities]
        self.events = events
        self.cache = cache
        self.interval_s = interval_s
        self._states: dict[tuple[str, str], RecordingState] = {}

    async def poll_once(self) -> list[RecordingChange]:
        """Look at each watched source's newest recordings; publish and return the state changes."""
        changes = []
        for source in self.sources:
            try:
                page = await source.list_recordings(RecordingSearch(), None, WATCHED_PER_ROUND)
            except GatewayError as exc:
                logger.warning("cannot watch %s: %s", source.instance, exc.message)
                continue
            for recording in page.items:
                key = (source.instance, recording.source_id)
                previous = self._states.get(key)
                self._states[key] = recording.state
                if previous is not None and previous is not recording.state:
                    changes.append(
                        RecordingChange(
                            EventType.STATE_CHANGED, source.instance, recording.source_id, datetime.now(UTC)
                        )
                    )
        for change in changes:
            await self.events.publish(change)
        return changes

    async def run(self) -> None:
        use_scope(RequestScope(WATCHER, fresh=True, priority=Priority.BACKGROUND))
        while True:
            if await take_lease(self.cache, "watch-lease", ttl_s=self.interval_s * 0.9):
                with contextlib.suppress(GatewayError):
                    await self.poll_once()
            await asyncio.sleep(self.interval_s)
