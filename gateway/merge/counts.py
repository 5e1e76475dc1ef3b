"""How many recordings a merged listing holds, where every selected source can tell without listing."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence

from gateway.deadline import bounded
from gateway.filtering import applied_here
from gateway.query import RecordingSearch
from gateway.sources.base import Source

__all__ = ["MergedCount", "count_recordings"]


@dataclasses.dataclass(frozen=True)
class MergedCount:
    """The total over the sources, or None with each uncountable source's reason (by instance)."""

    total: int | None
    reasons: dict[str, str]


async def _count(source: Source, search: RecordingSearch) -> int | str:
    """The source's count of the search's matches, or why it has none; `SourceTimeout` past the deadline."""
    criteria = applied_here(source, search)
    if criteria:
        names = ", ".join(sorted(c.value.removeprefix("filter_") for c in criteria))
        return f"the gateway applies filters the source cannot ({names}), so only a full listing could count"
    async with bounded(source.instance):
        count = await source.count_recordings(search)
    if count is None:
        return f"{source.kind.value} sources cannot count without listing everything"
    return count


async def count_recordings(sources: Sequence[Source], search: RecordingSearch) -> MergedCount:
    """The matches of `search` over `sources`, asked of every source at once."""
    counts = await asyncio.gather(*(_count(source, search) for source in sources))
    reasons = {s.instance: c for s, c in zip(sources, counts, strict=True) if isinstance(c, str)}
    total = None if reasons else sum(c for c in counts if isinstance(c, int))
    return MergedCount(total, reasons)
