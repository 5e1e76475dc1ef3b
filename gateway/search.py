"""One listing over several sources: a merge of each source's ordered stream.

Every source returns its recordings in the requested order from its own position, each with
the position just after it; the merge takes the best `first` of them and records, per source,
the position after the last one it used, so the next page neither skips nor repeats. A
failing source is left out of the page (its position kept) and reported as a partial error.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from typing import Any

from gateway.errors import GatewayError, SourceError
from gateway.models import Recording
from gateway.sources.base import Page, RecordingSearch, SortField, Source

__all__ = ["DONE", "SearchResult", "search_recordings"]

DONE = "done"


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """The page's recordings; `positions[i]` is where the listing resumes after `items[i]`."""

    items: list[Recording]
    positions: list[dict[str, Any]]
    final: dict[str, Any]
    errors: list[GatewayError]

    @property
    def has_next(self) -> bool:
        return any(position != DONE for position in self.final.values())


def _sort_key(search: RecordingSearch) -> Any:
    def key(recording: Recording) -> tuple[Any, ...]:
        if search.sort is SortField.DURATION:
            value: Any = recording.duration_ms or 0
        else:
            value = recording.start_time.timestamp() if recording.start_time else 0.0
        return (value, recording.source, recording.source_id)

    return key


async def _page(source: Source, search: RecordingSearch, position: Any, first: int) -> Page[Recording] | SourceError:
    try:
        return await source.search_recordings(search, position, first)
    except SourceError as exc:
        return exc


async def search_recordings(
    sources: Sequence[Source], search: RecordingSearch, positions: dict[str, Any], first: int
) -> SearchResult:
    """The next `first` recordings over `sources`, from `positions` (empty: the first page)."""
    active = [s for s in sources if positions.get(s.instance) != DONE]
    results = await asyncio.gather(*(_page(s, search, positions.get(s.instance), first) for s in active))
    errors: list[GatewayError] = []
    candidates: list[tuple[Recording, Any]] = []
    pages: dict[str, Page[Recording]] = {}
    for source, page in zip(active, results, strict=True):
        if isinstance(page, SourceError):
            errors.append(page)
            continue
        pages[source.instance] = page
        candidates += zip(page.items, page.after, strict=True)
    key = _sort_key(search)
    chosen = sorted(candidates, key=lambda pair: key(pair[0]), reverse=search.descending)[:first]
    running = {s.instance: positions.get(s.instance) for s in sources}
    per_item = []
    for recording, after in chosen:
        running[recording.source] = after
        per_item.append(dict(running))
    for instance, page in pages.items():
        if sum(1 for recording, _ in chosen if recording.source == instance) == len(page.items):
            running[instance] = DONE if page.next is None else page.next
    if per_item:
        per_item[-1] = running
    return SearchResult([r for r, _ in chosen], per_item, running, errors)
