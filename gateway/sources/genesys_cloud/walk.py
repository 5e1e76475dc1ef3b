"""The recording search: conversations found window by window, recordings sorted inside each.

Cost per page: one analytics query per window visited (more while a dense window is halved),
plus one ``GET /conversations/{id}/recordings`` per conversation in those windows (concurrent,
under the source's concurrency limit; cached, so the next page reuses them).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from gateway.models import Recording
from gateway.query import Page, RecordingSearch
from gateway.sources.genesys_cloud.recordings import ANALYTICS_PAGE, Conversation, RecordingReader
from gateway.sources.genesys_cloud.windows import Grid, Position, Window

__all__ = ["RecordingWalk"]

_DAY_MS = 86_400_000
# Vendor clocks may run ahead of ours: the newest window reaches this far past now.
_SKEW_MS = 5 * 60_000


def _key(recording: Recording) -> tuple[int, str]:
    assert recording.start_time is not None
    return int(recording.start_time.timestamp() * 1000), recording.source_id


def _ms(moment: Any) -> int | None:
    return int(moment.timestamp() * 1000) if moment is not None else None


class RecordingWalk:
    """Walks conversation recordings in start-time order (either direction) by time windows."""

    def __init__(
        self, reader: RecordingReader, grid: Grid, *, history_days: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.reader = reader
        self.grid = grid
        self.history_ms = int(history_days * _DAY_MS)
        self.clock = clock

    def bounds(self, search: RecordingSearch) -> tuple[int, int]:
        """The searched range ``[lower, upper)`` in epoch ms (the filter's, else the history)."""
        now = int(self.clock() * 1000)
        lower = _ms(search.filter.started_after)
        upper = _ms(search.filter.started_before)
        return (lower if lower is not None else now - self.history_ms, upper if upper is not None else now + _SKEW_MS)

    def default_window(self) -> Window:
        """The whole history (for lookups by conversation id), on the grid."""
        lower, upper = self.bounds(RecordingSearch())
        base = self.grid.base_ms
        return Window(lower // base * base, -(-upper // base) * base)

    def seek(self, search: RecordingSearch, epoch_ms: int) -> Any:
        """A position at the grid window holding `epoch_ms` (within the searched range), a millisecond short
        of it: the walk resumes with the recordings of that instant; the merge drops those before its key."""
        lower, upper = self.bounds(search)
        at = min(max(epoch_ms, lower), upper - 1)
        after = (epoch_ms + 2, "") if search.descending else (epoch_ms - 1, "")
        return Position(self.grid.around(at), after).as_json()

    async def page(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        descending = search.descending
        lower, upper = self.bounds(search)
        if position is None:
            resume = Position(self.grid.first(descending, lower, upper))
        else:
            resume = Position.from_json(position)
        window, after = resume.window, resume.after
        items: list[Recording] = []
        afters: list[Any] = []
        while not self.grid.past(window, descending, lower, upper):
            window, found, hits = await self._window(window, descending)
            for recording in found:
                key = _key(recording)
                if not lower <= key[0] < upper:
                    continue
                if after is not None and (key >= after if descending else key <= after):
                    continue
                items.append(recording)
                afters.append(Position(window, key).as_json())
                if len(items) == limit:
                    return Page(items, afters[-1], afters)
            window = self.grid.next(window, descending, grow=hits * 2 <= ANALYTICS_PAGE)
        return Page(items, None, afters)

    async def _window(self, window: Window, descending: bool) -> tuple[Window, list[Recording], int]:
        """The recordings starting in `window` (halved while too dense), in the walk's order."""
        while True:
            conversations, hits = await self.reader.conversations_in(window, descending)
            smaller = self.grid.halve(window, descending) if hits > ANALYTICS_PAGE else None
            if smaller is None:
                break
            window = smaller
        pages = -(-hits // ANALYTICS_PAGE)
        for more in await asyncio.gather(
            *(self.reader.conversations_in(window, descending, n) for n in range(2, pages + 1))
        ):
            conversations += more[0]
        unique: dict[str, Conversation] = {c.id: c for c in conversations}
        listed = await asyncio.gather(*(self.reader.of_conversation(c.id, c) for c in unique.values()))
        found = [r for rs in listed for r in rs if r.start_time is not None and window.holds(_key(r)[0])]
        found.sort(key=_key, reverse=descending)
        return window, found, len(unique)
