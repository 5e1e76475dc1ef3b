"""Time windows for walking conversations in start-time order.

The analytics query finds conversations in an interval but cannot page them in recording start
order, so the connector walks time in windows (newest first when descending) and sorts inside
each one. Windows sit on a grid: sizes ``base * 2**level`` aligned to multiples of their size
(epoch milliseconds), so the same query asks the same intervals and hits the cache. A window
grows one level after a sparse one and halves (keeping the half nearest the walk's start) while
it holds more conversations than one analytics page.

A position is ``{"window": [start, end], "after": [startMs, recordingId] | None}``: the window to
resume in and the last recording returned. Later recordings are those strictly past `after` in
the walk's order, whatever window they fall in, so resuming is exact even when windows change.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from gateway.errors import InvalidCursor

__all__ = ["Grid", "Position", "Window", "iso"]

_INITIAL_LEVEL = 3


def iso(epoch_ms: int) -> str:
    """The API's datetime format for epoch milliseconds."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclasses.dataclass(frozen=True)
class Window:
    """``[start, end)`` in epoch milliseconds."""

    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start

    @property
    def interval(self) -> str:
        """The analytics ``interval``: ``start/end``."""
        return f"{iso(self.start)}/{iso(self.end)}"

    def holds(self, epoch_ms: int) -> bool:
        return self.start <= epoch_ms < self.end


@dataclasses.dataclass(frozen=True)
class Position:
    window: Window
    after: tuple[int, str] | None = None

    def as_json(self) -> dict[str, Any]:
        return {"window": [self.window.start, self.window.end], "after": list(self.after) if self.after else None}

    @classmethod
    def from_json(cls, value: Any) -> Position:
        try:
            start, end = value["window"]
            after = value.get("after")
            if not (isinstance(start, int) and isinstance(end, int) and start < end):
                raise ValueError("bad window")
            key = (int(after[0]), str(after[1])) if after is not None else None
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise InvalidCursor("the cursor does not hold a Genesys Cloud position") from exc
        return cls(Window(start, end), key)


@dataclasses.dataclass(frozen=True)
class Grid:
    """Windows of ``base_ms * 2**level`` for ``level <= max_level``."""

    base_ms: int
    max_level: int

    def _size(self, level: int) -> int:
        return self.base_ms << level

    def level(self, window: Window) -> int:
        return max(0, min(self.max_level, (window.size // self.base_ms).bit_length() - 1))

    def _ending_at(self, end: int, level: int) -> Window:
        while level > 0 and end % self._size(level):
            level -= 1
        return Window(end - self._size(level), end)

    def _starting_at(self, start: int, level: int) -> Window:
        while level > 0 and start % self._size(level):
            level -= 1
        return Window(start, start + self._size(level))

    def first(self, descending: bool, lower_ms: int, upper_ms: int) -> Window:
        """The window a walk starts in: at the upper bound (descending) or the lower one."""
        level = min(_INITIAL_LEVEL, self.max_level)
        if descending:
            return self._ending_at(-(-upper_ms // self.base_ms) * self.base_ms, level)
        return self._starting_at(lower_ms // self.base_ms * self.base_ms, level)

    def around(self, epoch_ms: int) -> Window:
        """The window of the initial size that holds `epoch_ms`."""
        size = self._size(min(_INITIAL_LEVEL, self.max_level))
        start = epoch_ms // size * size
        return Window(start, start + size)

    def next(self, window: Window, descending: bool, *, grow: bool) -> Window:
        """The window after `window` in the walk's direction, one level up when `grow`."""
        level = min(self.max_level, self.level(window) + (1 if grow else 0))
        return self._ending_at(window.start, level) if descending else self._starting_at(window.end, level)

    def halve(self, window: Window, descending: bool) -> Window | None:
        """The half of `window` the walk reaches first; None at the base size."""
        if window.size <= self.base_ms:
            return None
        half = window.size // 2
        return Window(window.end - half, window.end) if descending else Window(window.start, window.start + half)

    @staticmethod
    def past(window: Window, descending: bool, lower_ms: int, upper_ms: int) -> bool:
        """Whether the walk has left the searched range."""
        return window.end <= lower_ms if descending else window.start >= upper_ms
