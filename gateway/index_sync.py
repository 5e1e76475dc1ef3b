"""Keep the recording index in step with each indexed source's own listing.

`IndexSync.sync_once` walks every indexed source's native listing, newest first, to its end,
writing each page to the `RecordingIndex`, then drops the rows the walk did not see (a walk that
fails midway drops nothing). It then reads the call resources of recordings whose caller and
dialed numbers the index lacks, newest first, one at a time and at most the source's
`call_budget` per sync, so a vendor's rate limit (Bandwidth: 1 request/s per resource family)
is spent slowly. `run` syncs at start and every `interval_s`; with several replicas, a lease in
the shared cache lets one of them sync each round.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from gateway.cache import Cache, take_lease
from gateway.context import Principal, Priority, RequestScope, use_scope
from gateway.errors import GatewayError
from gateway.query import RecordingSearch
from gateway.sources.base import CallSource
from gateway.sources.indexed import IndexedSource
from gateway.store import RecordingIndex

__all__ = ["IndexSync", "SyncOutcome"]

logger = logging.getLogger("recgate.index")

INDEXER = Principal("index-sync", frozenset({"*"}))
# Recordings asked of a source per listing call: at least a vendor page, so none is read twice.
WALK_PAGE = 1000


@dataclasses.dataclass(frozen=True)
class SyncOutcome:
    """One source's sync: recordings listed, rows removed, call resources read; `error` when it stopped."""

    source: str
    listed: int = 0
    removed: int = 0
    calls_read: int = 0
    error: str | None = None


class IndexSync:
    def __init__(
        self, sources: Sequence[IndexedSource], store: RecordingIndex, cache: Cache, *, interval_s: float
    ) -> None:
        self.sources = list(sources)
        self.store = store
        self.cache = cache
        self.interval_s = interval_s
        self._lock = asyncio.Lock()

    async def sync_once(self) -> list[SyncOutcome]:
        """One complete sync of every indexed source, after any this process is already running."""
        async with self._lock:
            # A task of its own, so the fresh scope it sets stays there.
            return await asyncio.create_task(self._sync_all())

    async def round(self) -> bool:
        """Sync when this replica takes the round's lease; whether it did."""
        if not await take_lease(self.cache, "index-lease", ttl_s=self.interval_s * 0.9):
            return False
        await self.sync_once()
        return True

    async def run(self) -> None:
        while True:
            try:
                await self.round()
            except Exception as exc:  # the store is down, say: try again next round
                logger.warning("index sync round failed (%s)", type(exc).__name__)
            await asyncio.sleep(self.interval_s)

    async def _sync_all(self) -> list[SyncOutcome]:
        use_scope(RequestScope(INDEXER, fresh=True, priority=Priority.BACKGROUND))
        return [await self._sync(source) for source in self.sources]

    async def _sync(self, source: IndexedSource) -> SyncOutcome:
        outcome = SyncOutcome(source.instance)
        try:
            outcome = await self._walk(source, outcome)
            outcome = await self._backfill(source, outcome)
        except GatewayError as exc:
            logger.warning("cannot index %s: %s", source.instance, exc.message)
            return dataclasses.replace(outcome, error=exc.message)
        logger.info(
            "indexed %s: %d listed, %d removed, %d calls read",
            source.instance,
            outcome.listed,
            outcome.removed,
            outcome.calls_read,
        )
        return outcome

    async def _walk(self, source: IndexedSource, outcome: SyncOutcome) -> SyncOutcome:
        started = datetime.now(UTC)
        position = None
        while True:
            page = await source.wrapped.list_recordings(RecordingSearch(), position, WALK_PAGE)
            await self.store.upsert(source.instance, page.items, started)
            outcome = dataclasses.replace(outcome, listed=outcome.listed + len(page.items))
            if page.next is None:
                return dataclasses.replace(outcome, removed=await self.store.prune(source.instance, started))
            position = page.next

    async def _backfill(self, source: IndexedSource, outcome: SyncOutcome) -> SyncOutcome:
        connector = source.wrapped
        if not isinstance(connector, CallSource):
            return outcome
        for call_id in await self.store.pending_calls(source.instance, source.index.call_budget):
            (call,) = await connector.get_calls([call_id])
            await self.store.set_numbers(source.instance, {call_id: call})
            outcome = dataclasses.replace(outcome, calls_read=outcome.calls_read + 1)
        return outcome
