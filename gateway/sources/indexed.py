"""The gateway's index of a source: any order, from SQL, with no upstream call.

`IndexedSource` wraps a source, as httpx transports wrap each other: it lists the orders of the
source's `native_orders` through the source itself and the others from the `SourceIndex` (kept up
to date by `gateway.index_sync`). Index positions are keysets ``[value, id]``: the start in epoch
microseconds or the duration in ms, a missing one as 0, as the merge sorts. The index applies the
criteria of `PUSHDOWN` exactly. It narrows by caller and dialed number too, where it knows them;
the gateway applies those (and the rest) to what it lists, reading only the call numbers the index
does not know yet.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from gateway.config import ConfigError
from gateway.errors import InvalidCursor, SourceUnavailable
from gateway.models import Recording
from gateway.query import (
    ALL_ORDERS,
    Capability,
    OrderKey,
    Page,
    RecordingFilter,
    RecordingSearch,
    SortField,
    keyset_after,
)
from gateway.sources.base import Source
from gateway.store import IndexQuery, Keyset, RecordingIndex, SortKey

__all__ = ["DEFAULT_CALL_BUDGET", "PUSHDOWN", "IndexedSource", "SourceIndex", "indexed", "unwrapped"]

PUSHDOWN = frozenset(
    {
        Capability.FILTER_TIME_RANGE,
        Capability.FILTER_STATE,
        Capability.FILTER_KIND,
        Capability.FILTER_REGION,
        Capability.FILTER_CONVERSATION,
    }
)
# Call resources read per sync to fill in caller/dialed numbers (option ``index_call_budget``).
DEFAULT_CALL_BUDGET = 60
_SORT_KEYS = {SortField.START_TIME: SortKey.START_TIME, SortField.DURATION: SortKey.DURATION}


def _query(criteria: RecordingFilter) -> IndexQuery:
    return IndexQuery(
        started_after=criteria.started_after,
        started_before=criteria.started_before,
        states=criteria.states,
        kinds=criteria.kinds,
        region=criteria.region,
        conversation_id=criteria.conversation_id,
        caller=criteria.caller_number,
        dialed=criteria.dialed_number,
    )


def _keyset(position: Any) -> Keyset:
    if (
        not isinstance(position, list)
        or len(position) != 2
        or not isinstance(position[1], str)
        or not isinstance(position[0], int)
        or isinstance(position[0], bool)
    ):
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
        rows = await self.store.page(
            self.instance,
            _query(search.filter),
            sort=_SORT_KEYS[search.sort],
            descending=search.descending,
            after=after,
            limit=limit + 1,
        )
        after_each = [[value, recording.source_id] for recording, value in rows[:limit]]
        return Page(
            [recording for recording, _ in rows[:limit]], after_each[-1] if len(rows) > limit else None, after_each
        )

    def seek(self, search: RecordingSearch, key: OrderKey) -> list[Any]:
        value, native_id = keyset_after(key, self.instance, search)
        return [int(value) if search.sort is SortField.DURATION else round(value * 1_000_000), native_id]

    async def count(self, search: RecordingSearch) -> int | None:
        """The rows meeting the `PUSHDOWN` criteria of the search; None before the first sync."""
        if not await self._complete():
            return None
        return await self.store.count(self.instance, _query(search.filter))

    async def with_numbers(self, page: Page[Recording]) -> Page[Recording]:
        """`page` (of the source's own listing) with the call numbers the index knows filled in."""
        lacking = [r for r in page.items if r.call_id is not None and r.caller_number is None]
        known = await self.store.known_numbers(self.instance, lacking) if lacking else {}
        if not known:
            return page
        items = [
            dataclasses.replace(r, caller_number=known[r.source_id][0], dialed_number=known[r.source_id][1])
            if r.source_id in known
            else r
            for r in page.items
        ]
        return dataclasses.replace(page, items=items)


class IndexedSource(Source):
    """`wrapped`, listed in every order: its own listing in its native orders, the index in the others."""

    native_orders = ALL_ORDERS

    def __init__(self, wrapped: Source, index: SourceIndex) -> None:
        self.wrapped = wrapped
        self.index = index
        self.instance = wrapped.instance
        self.kind = wrapped.kind
        self.capabilities = wrapped.capabilities
        self.max_batch_size = wrapped.max_batch_size

    def _from_index(self, search: RecordingSearch) -> bool:
        return search.order not in self.wrapped.native_orders

    async def list_recordings(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        """The wrapped listing (with the call numbers the index knows) in its orders, the index in the others."""
        if self._from_index(search):
            return await self.index.list_recordings(search, position, limit)
        return await self.index.with_numbers(await self.wrapped.list_recordings(search, position, limit))

    async def get_recordings(self, ids: Sequence[str]) -> Sequence[Recording | None]:
        return await self.wrapped.get_recordings(ids)

    async def probe(self) -> None:
        await self.wrapped.probe()

    def pushdown(self, search: RecordingSearch) -> frozenset[Capability]:
        return self.index.pushdown if self._from_index(search) else self.wrapped.pushdown(search)

    def seek(self, search: RecordingSearch, key: OrderKey) -> Any | None:
        return self.index.seek(search, key) if self._from_index(search) else self.wrapped.seek(search, key)

    def listing_starts(self) -> datetime | None:
        return self.wrapped.listing_starts()

    async def count_recordings(self, search: RecordingSearch) -> int | None:
        if self._from_index(search):
            return await self.index.count(search)
        return await self.wrapped.count_recordings(search)


def unwrapped(source: Source) -> Source:
    """The connector behind `source`, when it is an `IndexedSource`."""
    return source.wrapped if isinstance(source, IndexedSource) else source


def indexed(source: Source, options: Mapping[str, Any], store: RecordingIndex) -> Source:
    """`source`, wrapped in its index as its ``index`` option says: by default when its own listing
    cannot even walk start time both ways (its other orders are then listed from the index)."""
    wanted = options.get("index", (SortField.START_TIME, False) not in source.native_orders)
    budget = options.get("index_call_budget", DEFAULT_CALL_BUDGET)
    if not isinstance(wanted, bool) or not isinstance(budget, int) or budget < 0:
        raise ConfigError(f"source {source.instance!r}: index must be true or false, index_call_budget a count")
    return IndexedSource(source, SourceIndex(source.instance, store, call_budget=budget)) if wanted else source
