"""The recording search: the searched range, where a page resumes, and reading one page (`PageRead`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gateway.models import Recording
from gateway.query import Page, RecordingSearch
from gateway.sources.genesys_cloud.criteria import Criteria
from gateway.sources.genesys_cloud.page_read import PageRead
from gateway.sources.genesys_cloud.recordings import RecordingReader
from gateway.sources.genesys_cloud.windows import Position, Window, epoch_ms

__all__ = ["RecordingWalk"]

_DAY_MS = 86_400_000
# Vendor clocks may run ahead of ours: an open search reaches this far past now.
_SKEW_MS = 5 * 60_000


class RecordingWalk:
    """Walks conversation recordings in start-time order (either direction), a page at a time.

    An open end of the searched range (no ``startedAfter``/``startedBefore``) is rounded out to a
    multiple of `round_ms`, so the same search asks the same analytics query for a while and hits
    the response cache.
    """

    def __init__(
        self,
        reader: RecordingReader,
        *,
        round_ms: int,
        history_days: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.reader = reader
        self.round_ms = round_ms
        self.history_ms = int(history_days * _DAY_MS)
        self.clock = clock

    def bounds(self, search: RecordingSearch) -> Window:
        """The searched range in epoch ms: the filter's, else the history up to now."""
        now = int(self.clock() * 1000)
        lower = epoch_ms(search.filter.started_after)
        upper = epoch_ms(search.filter.started_before)
        if lower is None:
            lower = (now - self.history_ms) // self.round_ms * self.round_ms
        if upper is None:
            upper = -(-(now + _SKEW_MS) // self.round_ms) * self.round_ms
        return Window(lower, upper)

    def seek(self, search: RecordingSearch, epoch_ms: int) -> Any:
        """A position a millisecond short of `epoch_ms` (two when newest first: the merge's key is
        float seconds): the walk resumes with the recordings of that instant; the merge drops
        those before its key."""
        after = (epoch_ms + 2, "") if search.descending else (epoch_ms - 1, "")
        return Position(after).as_json()

    async def page(
        self, search: RecordingSearch, position: Any | None, limit: int, criteria: Criteria
    ) -> Page[Recording]:
        """Up to `limit` recordings matching `criteria` from `position` (None: the start)."""
        if limit < 1:
            return Page([], position if position is not None else Position().as_json())
        window = self.bounds(search)
        after = Position.from_json(position).after if position is not None else None
        if after is not None:
            if search.descending:
                window = Window(window.start, min(window.end, after[0] + 1))
            else:
                window = Window(max(window.start, after[0]), window.end)
        if window.start >= window.end:
            return Page([], None)
        read = PageRead(self.reader, window, criteria, descending=search.descending, after=after, limit=limit)
        return await read.run()
