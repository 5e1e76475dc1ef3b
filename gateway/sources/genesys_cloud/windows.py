"""The interval a Genesys Cloud listing asks the analytics query for, and where a listing resumes.

A recording's place in the walk is its key ``(startMs, recordingId)``, newest first or oldest
first. A position is ``{"after": [startMs, recordingId]}``: the last recording returned; the
listing resumes with those strictly past it in the walk's order, so resuming is exact however
the conversations around it are paged.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from gateway.errors import InvalidCursor

__all__ = ["Key", "Position", "Window", "epoch_ms", "iso"]

# A recording's place in the walk: (start, epoch milliseconds; recording id).
Key = tuple[int, str]


def epoch_ms(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment is not None else None


def iso(at_ms: int) -> str:
    """The API's datetime format for epoch milliseconds."""
    moment = datetime.fromtimestamp(at_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclasses.dataclass(frozen=True)
class Window:
    """``[start, end)`` in epoch milliseconds."""

    start: int
    end: int

    @property
    def interval(self) -> str:
        """The analytics ``interval``: ``start/end``."""
        return f"{iso(self.start)}/{iso(self.end)}"

    def holds(self, epoch_ms: int) -> bool:
        return self.start <= epoch_ms < self.end


@dataclasses.dataclass(frozen=True)
class Position:
    after: Key | None = None

    def as_json(self) -> dict[str, Any]:
        return {"after": list(self.after) if self.after else None}

    @classmethod
    def from_json(cls, value: Any) -> Position:
        try:
            after = value["after"]
            if after is None:
                return cls()
            at, recording_id = after
            if not isinstance(at, int) or isinstance(at, bool) or not isinstance(recording_id, str):
                raise ValueError("bad key")
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidCursor("the cursor does not hold a Genesys Cloud position") from exc
        return cls((at, recording_id))
