"""Walking Engage's ``GET /recordings`` newest first through start-time windows, resumable anywhere.

GWS answers a query with at most 100 recordings a page, in no documented order, and filters
time asymmetrically: ``startTime`` keeps recordings that started after it, ``endTime`` those
that *ended* before it. The gateway wants every recording once, by (start, id) descending. So:

- A window is a range of start times ``[lo, hi]`` (epoch ms, both inclusive; None is open).
  It is queried as ``startTime = lo - 1 ms`` and ``endTime = hi + max_duration`` (none for the
  newest window), and exactly the recordings that started inside it are kept: a recording up
  to `max_duration` long is never lost at an edge, and no recording is in two windows.
- A window is read whole and sorted here. When a page comes back full (100, or a nextUri)
  the window is shrunk before reading it whole: to the start of the `target`-th newest match
  seen, or, when that is `lo` itself (many recordings starting in the same millisecond), to
  just what started after `lo`; a window of one such crowd is read whole by offset pages. The
  query also returns the "tail", shorter recordings that started after `hi` (already listed);
  when they crowd the page, shrinking cannot help, so the window is cut to `max_duration`
  wide at most and then read whole by offset pages.
- The next window's width aims at `target` recordings, from the density of the last one; after
  an empty window the whole rest is tried (and shrunk from what it returns).

A `Position` is a keyset: what is left is every recording whose (start, id) is below `key`.
Inside a window it also names the window, so resuming re-sends the same query (served from
the response cache) and skips what was listed: exact whatever the page sizes and merges.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from gateway.store.engage import parse_time

__all__ = ["Fetch", "Position", "Row", "Walk", "epoch_ms"]

Key = tuple[int, str]
Bounds = tuple[int | None, int | None]
# (lo, hi, offset) -> (one page of the window's query, whether more pages follow)
Fetch = Callable[[int | None, int | None, int], Awaitable[tuple[list["Row"], bool]]]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch, rounded up (so ``start >= moment`` is ``start_ms >= epoch_ms``);
    a naive `moment` is taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return -((_EPOCH - aware) // timedelta(milliseconds=1))


@dataclasses.dataclass(frozen=True)
class Row:
    document: dict[str, Any]
    start_ms: int

    @classmethod
    def of(cls, document: dict[str, Any]) -> Row:
        return cls(document, epoch_ms(parse_time(document["startTime"])))

    @property
    def key(self) -> Key:
        return (self.start_ms, self.document["id"])

    def within(self, lo: int | None, hi: int | None) -> bool:
        return (lo is None or self.start_ms >= lo) and (hi is None or self.start_ms <= hi)


@dataclasses.dataclass(frozen=True)
class Position:
    """Left to list: recordings with (start, id) below `key` (all when None); `window` is the
    window `key` lies in when some of it is left, `span` the width of the next one (None: all)."""

    key: Key | None = None
    window: Bounds | None = None
    span: int | None = None

    def to_json(self) -> list[Any]:
        key = self.key or (None, None)
        lo, hi = self.window or (None, None)
        return [key[0], key[1], self.window is not None, lo, hi, self.span]

    @classmethod
    def from_json(cls, value: Any) -> Position:
        """`ValueError` unless `value` is what `to_json` gives."""
        if not isinstance(value, list) or len(value) != 6:
            raise ValueError("not a position")
        start, ident, has_window, lo, hi, span = value
        numbers = (start, lo, hi, span)
        if not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in numbers):
            raise ValueError("not a position")
        if (start is None) != (ident is None) or not (ident is None or isinstance(ident, str)):
            raise ValueError("not a position")
        if span is not None and span < 1:
            raise ValueError("not a position")
        key = (start, ident) if start is not None and ident is not None else None
        return cls(key, (lo, hi) if has_window is True else None, span)


@dataclasses.dataclass(frozen=True)
class Walk:
    """One listing's walk: `floor` is the oldest start time wanted (None: no limit)."""

    fetch: Fetch
    floor: int | None
    max_duration_ms: int
    target: int = 50

    def _window(self, position: Position) -> tuple[int | None, int | None, bool] | None:
        """(lo, hi, known) of the window to read at `position`; None when nothing is left."""
        if position.window is not None:
            return (*position.window, True)
        hi = None
        if position.key is not None:
            hi = position.key[0] - 1 if position.key[1] == "" else position.key[0]
        if hi is not None and self.floor is not None and hi < self.floor:
            return None
        lo = self.floor
        if hi is not None and position.span is not None:
            lo = hi - position.span + 1 if lo is None else max(lo, hi - position.span + 1)
        return lo, hi, False

    def _narrower(self, lo: int | None, hi: int | None, page: Sequence[Row]) -> int | None:
        """A higher `lo` for a window whose first page came back full; None to read it whole."""
        starts = sorted((r.start_ms for r in page if r.within(lo, hi)), reverse=True)
        if len(starts) >= self.target:
            cut = starts[self.target - 1]
            if lo is not None and cut <= lo:  # a crowd started at `lo`: first list what started after it
                cut = min((s for s in starts if s > lo), default=lo)
        elif hi is not None and (lo is None or hi - lo + 1 > self.max_duration_ms):
            cut = hi - self.max_duration_ms + 1  # the tail crowds the page: narrow to one max duration
        else:
            return None
        return cut if lo is None or cut > lo else None

    async def _read(self, lo: int | None, hi: int | None, known: bool) -> tuple[int | None, list[Row]]:
        """The window's final `lo` and every row its query returns."""
        while True:
            rows, more = await self.fetch(lo, hi, 0)
            if not more:
                return lo, rows
            narrower = None if known else self._narrower(lo, hi, rows)
            if narrower is None:
                break
            lo = narrower
        while more:
            page, more = await self.fetch(lo, hi, len(rows))
            rows += page
            more = more and bool(page)
        return lo, rows

    def _beyond(self, lo: int | None, hi: int | None, inside: Sequence[Row]) -> Position | None:
        """Where the walk goes on after the window; None when it reached the floor."""
        if lo is None or (self.floor is not None and lo <= self.floor):
            return None
        top = hi if hi is not None else max((r.start_ms for r in inside), default=lo)
        span = max(1, (top - lo + 1) * self.target // len(inside)) if inside else None
        return Position((lo, ""), None, span)

    async def page(self, start: Position, limit: int) -> tuple[list[Row], list[Position], Position | None]:
        """Up to `limit` rows from `start`, the position after each, and the position after the page."""
        rows: list[Row] = []
        afters: list[Position] = []
        position: Position | None = start
        while position is not None and len(rows) < limit:
            window = self._window(position)
            if window is None:
                return rows, afters, None
            lo, hi, known = window
            lo, found = await self._read(lo, hi, known)
            unique = {r.document["id"]: r for r in found if r.within(lo, hi)}  # offset pages may overlap
            inside = sorted(unique.values(), key=lambda r: r.key, reverse=True)
            key = position.key
            pending = [r for r in inside if key is None or r.key < key]
            taken = pending[: limit - len(rows)]
            rows += taken
            afters += [Position(r.key, (lo, hi)) for r in taken]
            if len(taken) < len(pending):
                return rows, afters, afters[-1]
            position = self._beyond(lo, hi, inside)
            if taken and position is not None:
                afters[-1] = position
        return rows, afters, position
