"""Walking a Webex list through time windows, in either order, resumable after any item.

The compliance list returns at most 100 items a page, newest first by ``createTime`` (ties by
id ascending), only inside a ``[from, to)`` window of at most 30 days. The gateway wants any
time range, in its own order: ``(createTime, id)`` descending or ascending. So the walk:

- descending: takes windows newest first; a vendor page is complete except for its oldest
  second (the tie group may go on in the next page), so items older than that are emitted,
  sorted, and the walk goes on from there (the ``Link`` next URL is followed only when a whole
  page is one second);
- ascending: takes windows oldest first, halving a window until it fits one vendor page (then
  the window is known whole and sorted here) and doubling it again while pages are sparse.

A `Position` is a keyset, not the vendor's cursor: the window bounds plus the key of the last
item emitted. Resuming queries the window again up to (or from) that key and skips what was
emitted, so it is exact whatever the page sizes, ties or merges around it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from gateway.errors import InvalidCursor
from gateway.sources.webex.mapping import epoch_ms, parse_time

__all__ = ["MAX_WINDOW_MS", "Fetch", "Position", "Row", "Walk", "walk"]

MAX_WINDOW_MS = 30 * 86_400_000
_MIN_WINDOW_MS = 1000
# Fewer items than this in a whole window (half a vendor page): try a wider one next.
_SPARSE = 50

Key = tuple[int, str]
# (from_ms, to_ms, next_url) -> (items, next_url): one vendor page of a window, or the page after.
Fetch = Callable[[int, int, str | None], Awaitable[tuple[list[dict[str, Any]], str | None]]]


@dataclasses.dataclass(frozen=True)
class Row:
    raw: dict[str, Any]
    created_ms: int

    @property
    def key(self) -> Key:
        return (self.created_ms, self.raw["id"])


@dataclasses.dataclass(frozen=True)
class Position:
    """Where a walk resumes: still to list is ``[lower, upper)`` minus what `key` says was emitted.

    Descending, everything at or above `key` was emitted; ascending, everything at or below it.
    `span` is the window width to try next.
    """

    lower: int
    upper: int
    key: Key | None = None
    span: int = MAX_WINDOW_MS

    def to_json(self) -> list[Any]:
        return [self.lower, self.upper, list(self.key) if self.key else None, self.span]

    @classmethod
    def from_json(cls, value: Any) -> Position:
        try:
            lower, upper, key, span = value
            position = cls(int(lower), int(upper), (int(key[0]), str(key[1])) if key else None, int(span))
        except (TypeError, ValueError, IndexError) as exc:
            raise InvalidCursor("the cursor holds no Webex position") from exc
        if not 0 < position.span <= MAX_WINDOW_MS:
            raise InvalidCursor("the cursor holds no Webex position")
        return position

    @property
    def exhausted(self) -> bool:
        return self.lower >= self.upper


@dataclasses.dataclass(frozen=True)
class Walk:
    """Rows in order, the position after each, and where the walk goes on (None at the end)."""

    rows: list[Row]
    after: list[Position]
    next: Position | None


def _rows(items: Sequence[dict[str, Any]], position: Position) -> list[Row]:
    rows = []
    for item in items:
        created = parse_time(item.get("createTime"))
        if created is None:
            continue
        ms = epoch_ms(created)
        # Guard the bounds here too, so a vendor rounding `from`/`to` cannot leak items.
        if position.lower <= ms < position.upper:
            rows.append(Row(item, ms))
    return rows


async def _descending(fetch: Fetch, position: Position, limit: int) -> Walk:
    rows: list[Row] = []
    after: list[Position] = []
    while len(rows) < limit and not position.exhausted:
        start = max(position.lower, position.upper - position.span)
        items, next_url = await fetch(start, position.upper, None)
        seen = _rows(items, position)
        oldest = min((r.created_ms for r in seen), default=None)
        fresh = [r for r in seen if position.key is None or r.key < position.key]
        # A page ending in the middle of a second: only the older-than-that items wait.
        complete = [r for r in fresh if next_url is None or r.created_ms != oldest]
        while next_url is not None and not complete:
            items, next_url = await fetch(start, position.upper, next_url)
            more = _rows(items, position)
            seen += more
            oldest = min((r.created_ms for r in seen), default=None)
            fresh += [r for r in more if position.key is None or r.key < position.key]
            complete = [r for r in fresh if next_url is None or r.created_ms != oldest]
        complete.sort(key=lambda r: r.key, reverse=True)
        taken = complete[: limit - len(rows)]
        rows += taken
        after += [dataclasses.replace(position, upper=r.created_ms + 1, key=r.key) for r in taken]
        if len(taken) < len(complete):
            return Walk(rows, after, after[-1])
        if next_url is None:
            position = dataclasses.replace(position, upper=start, key=None)
        else:
            assert oldest is not None
            position = dataclasses.replace(position, upper=oldest + 1, key=after[-1].key if after else position.key)
    return _finish(rows, after, position)


async def _ascending(fetch: Fetch, position: Position, limit: int) -> Walk:
    rows: list[Row] = []
    after: list[Position] = []
    while len(rows) < limit and not position.exhausted:
        end = min(position.upper, position.lower + position.span)
        items, next_url = await fetch(position.lower, end, None)
        if next_url is not None and end - position.lower > _MIN_WINDOW_MS:
            # More than a page in this window: halve it until one page holds it whole.
            position = dataclasses.replace(position, span=max(_MIN_WINDOW_MS, (end - position.lower) // 2))
            continue
        while next_url is not None:  # over a page in one second: read it all
            more, next_url = await fetch(position.lower, end, next_url)
            items = [*items, *more]
        fresh = sorted(
            (r for r in _rows(items, position) if position.key is None or r.key > position.key), key=lambda r: r.key
        )
        taken = fresh[: limit - len(rows)]
        rows += taken
        after += [dataclasses.replace(position, lower=r.created_ms, key=r.key) for r in taken]
        if len(taken) < len(fresh):
            return Walk(rows, after, after[-1])
        span = position.span * 2 if len(items) < _SPARSE else position.span
        position = Position(end, position.upper, None, min(MAX_WINDOW_MS, span))
    return _finish(rows, after, position)


def _finish(rows: list[Row], after: list[Position], position: Position) -> Walk:
    if position.exhausted:
        return Walk(rows, after, None)
    if after:
        # Everything of the last window is out: resume past it, not inside it again.
        after[-1] = position
    return Walk(rows, after, position)


async def walk(fetch: Fetch, position: Position, limit: int, *, descending: bool) -> Walk:
    """Up to `limit` rows from `position`, newest first when `descending`, oldest first otherwise."""
    return await (_descending if descending else _ascending)(fetch, position, limit)
