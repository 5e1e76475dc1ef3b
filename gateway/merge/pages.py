"""Pages of the merged recordings listing, forward (`first`/`after`) and backward (`last`/`before`).

Forward pages resume from each source's own position. A backward page lists the reversed order
from the `before` recording's sort key and turns it around; its edges hold only their sort keys,
from which a later page seeks (forward or backward) in every source.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from gateway.errors import GatewayError, InvalidCursor
from gateway.merge.recordings import RecordingsMerged, merge_recordings, sort_key
from gateway.models import Recording
from gateway.query import OrderKey, RecordingSearch
from gateway.sources.base import Source

__all__ = ["Mark", "RecordingPage", "page_backward", "page_forward"]


@dataclasses.dataclass(frozen=True)
class Mark:
    """What a recordings cursor holds.

    `key`: the sort key of the edge's recording (None for the end of an empty, unfinished page);
    `positions`: each source's position to resume forward from (None on backward pages);
    `start`: the key the listing behind `positions` started after (None: from the beginning).
    """

    key: OrderKey | None
    positions: dict[str, Any] | None = None
    start: OrderKey | None = None

    def to_json(self) -> dict[str, Any]:
        return {"k": self.key, "p": self.positions, "s": self.start}

    @classmethod
    def from_json(cls, data: Any) -> Mark:
        try:
            positions = data["p"]
            if positions is not None and not isinstance(positions, dict):
                raise TypeError("positions")
            return cls(_key(data["k"]), positions, _key(data["s"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidCursor("the cursor is not a recordings cursor") from exc


def _key(value: Any) -> OrderKey | None:
    if value is None:
        return None
    number, source, native_id = value
    if not isinstance(number, int | float) or not isinstance(source, str) or not isinstance(native_id, str):
        raise TypeError("sort key")
    return (number, source, native_id)


@dataclasses.dataclass(frozen=True)
class RecordingPage:
    items: list[Recording]
    marks: list[Mark]
    # Where an empty page that is not the last resumes (sources still scanning).
    end: Mark | None
    has_next: bool
    has_previous: bool
    errors: list[GatewayError]


async def page_forward(
    sources: Sequence[Source], search: RecordingSearch, after: Mark | None, first: int
) -> RecordingPage:
    """The `first` recordings after `after` (None: the first page)."""
    start = None if after is None else after.start if after.positions is not None else after.key
    positions = after.positions if after is not None and after.positions is not None else {}
    result = await merge_recordings(sources, search, positions, first, after_key=start)
    key = sort_key(search)
    return RecordingPage(
        items=result.items,
        marks=[Mark(key(r), p, start) for r, p in zip(result.items, result.positions, strict=True)],
        end=Mark(None, result.final, start) if result.has_next else None,
        has_next=result.has_next,
        has_previous=after is not None,
        errors=result.errors,
    )


async def page_backward(
    sources: Sequence[Source], search: RecordingSearch, before: Mark | None, last: int
) -> RecordingPage:
    """The `last` recordings before `before` (None: the last page), in the search's order."""
    if before is not None and before.key is None:
        raise InvalidCursor("this cursor marks a scan in progress, not a recording: page backward from an edge")
    reverse = dataclasses.replace(search, descending=not search.descending)
    items: list[Recording] = []
    errors: list[GatewayError] = []
    positions: dict[str, Any] = {}
    while True:
        result: RecordingsMerged = await merge_recordings(
            sources, reverse, positions, last - len(items), after_key=before.key if before else None
        )
        items += result.items
        errors += result.errors
        # A backward page has no positions to resume from, so it is filled here; a failing source
        # or a listing that stopped moving ends it short.
        if len(items) >= last or not result.has_next or result.errors or result.final == positions:
            break
        positions = result.final
    items.reverse()
    key = sort_key(search)
    return RecordingPage(
        items=items,
        marks=[Mark(key(r)) for r in items],
        end=None,
        has_next=before is not None,
        has_previous=result.has_next,
        errors=errors,
    )
