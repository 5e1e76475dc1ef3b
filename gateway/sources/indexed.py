"""Listing a source from the gateway's index of it: any order, from SQL, with no upstream call.

A source lists the orders of its `native_orders` itself; in the others, `Source.list_recordings`
lists from its `SourceIndex` (kept up to date by `gateway.index_sync`). Positions are keysets
``[value, id]``: the start in epoch microseconds or the duration in ms, a missing one as 0, as
the merge sorts. The index applies the criteria of `PUSHDOWN` exactly. It narrows by caller and
dialed number too, where it knows them; the gateway applies those (and the rest) to what it lists,
reading only the call numbers the index does not know yet.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from gateway.config import ConfigError
from gateway.errors import InvalidCursor, SourceUnavailable
from gateway.filtering import unpushed
from gateway.models import Recording
from gateway.sources.base import (
    Capability,
    OrderKey,
    Page,
    RecordingFilter,
    RecordingSearch,
    SortField,
    Source,
    keyset_after,
)
from gateway.store import IndexQuery, Keyset, RecordingIndex, SortKey

__all__ = ["DEFAULT_CALL_BUDGET", "PUSHDOWN", "SourceIndex", "index_for"]

PUSHDOWN = frozenset({
    Capability.FILTER_TIME_RANGE, Capability.FILTER_STATE, Capability.FILTER_KIND, Capability.FILTER_REGION,
    Capability.FILTER_CONVERSATION,
})
# Call resources read per sync to fill in caller/dialed numbers (option ``index_call_budget``).
DEFAULT_CALL_BUDGET = 60
_SORT_KEYS = {SortField.START_TIME: SortKey.START_TIME, SortField.DURATION: SortKey.DURATION}


def _query(criteria: RecordingFilter) -> IndexQuery:
    return IndexQuery(
        started_after=criteria.started_after, started_before=criteria.started_before, states=criteria.states,
        kinds=criteria.kinds, region=criteria.region, conversation_id=criteria.conversation_id,
        caller=criteria.caller_number, dialed=criteria.dialed_number,
    )


def _keyset(position: Any) -> Keyset:
    if (not isinstance(position, list) or len(position) != 2 or not isinstance(position[1], str)
            or not isinstance(position[0], int) or isinstance(position[0], bool)):
        raise ValueError("not an index position")
    return Keyset(position[0], position[1])


class SourceIndex:
    """One source's rows of the `RecordingIndex`, listed the way `Source.list_recordings` lists."""

    pushdown = PUSHDOWN

    def __init__(self, instance: str, store: RecordingIndex, *, call_budget: int = DEFAULT_CALL_BUDGET) -> None:
        self.instance = instance
        self.store = store
        self.call_budget = call_budget

    async def _complete(self) -> bool:
        return await self.store.walked_at(self.instance) is not None

    async def list_recordings(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        try:
            after = _keyset(position) if position is not None else None
        except ValueError as exc:
            raise InvalidCursor(f"the cursor's position in {self.instance} is invalid") from exc
        if not await self._complete():
            raise SourceUnavailable(self.instance, "this order is listed from the gateway's index, not built yet")
        rows = await self.store.page(self.instance, _query(search.filter), sort=_SORT_KEYS[search.sort],
                                     descending=search.descending, after=after, limit=limit + 1)
        after_each = [[value, recording.source_id] for recording, value in rows[:limit]]
        return Page([recording for recording, _ in rows[:limit]], after_each[-1] if len(rows) > limit else None,
                    after_each)

    def seek(self, search: RecordingSearch, key: OrderKey) -> list[Any]:
        value, native_id = keyset_after(key, self.instance, search)
        return [int(value) if search.sort is SortField.DURATION else round(value * 1_000_000), native_id]

    async def count(self, search: RecordingSearch) -> int | None:
        """Exact when the index applies every criterion of the search itself; else None."""
        if unpushed(search.filter, PUSHDOWN) or not await self._complete():
            return None
        return await self.store.count(self.instance, _query(search.filter))

    async def with_numbers(self, page: Page[Recording]) -> Page[Recording]:
        """`page` (of the source's own listing) with the call numbers the index knows filled in."""
        lacking = [r for r in page.items if r.call_id is not None and r.caller_number is None]
        known = await self.store.known_numbers(self.instance, lacking) if lacking else {}
        if not known:
            return page
        items = [dataclasses.replace(r, caller_number=known[r.source_id][0], dialed_number=known[r.source_id][1])
                 if r.source_id in known else r for r in page.items]
        return dataclasses.replace(page, items=items)


def index_for(source: Source, options: Mapping[str, Any], store: RecordingIndex) -> SourceIndex | None:
    """The index `source` gets: as its ``index`` option says, by default when its own listing
    cannot even walk start time both ways (its other orders are then listed from the index)."""
    wanted = options.get("index", (SortField.START_TIME, False) not in source.native_orders)
    budget = options.get("index_call_budget", DEFAULT_CALL_BUDGET)
    if not isinstance(wanted, bool) or not isinstance(budget, int) or budget < 0:
        raise ConfigError(f"source {source.instance!r}: index must be true or false, index_call_budget a count")
    return SourceIndex(source.instance, store, call_budget=budget) if wanted else None
