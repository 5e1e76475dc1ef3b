"""`RecordingIndex`: the gateway's copy of other sources' recording listings, searchable in SQL.

`gateway.index_sync` fills it from each indexed source's own listing; `gateway.sources.indexed`
lists from it in any order. A walk writes its start time as each row's `synced_at` (never moved
back), so once the walk is complete, `prune` removes exactly the rows no walk has seen since.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.models import CallDetails, Recording, RecordingKind, RecordingState
from gateway.store.codec import decode, encode
from gateway.store.recordings import Keyset, SortKey, like_pattern
from gateway.store.tables import index_walks, recording_index

__all__ = ["IndexQuery", "RecordingIndex", "epoch_us"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ATTEMPTS = 3  # writes racing another replica's on the same rows are retried
_c = recording_index.c
# The sort values, a missing one as 0 (as the gateway's merge sorts); the table indexes these expressions.
_SORT = {SortKey.START_TIME: sa.func.coalesce(_c.start_us, 0), SortKey.DURATION: sa.func.coalesce(_c.duration_ms, 0)}


def epoch_us(moment: datetime) -> int:
    """Microseconds since the epoch; a naive `moment` is taken as UTC."""
    return ((moment if moment.tzinfo else moment.replace(tzinfo=UTC)) - _EPOCH) // timedelta(microseconds=1)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


@dataclasses.dataclass(frozen=True)
class IndexQuery:
    """Criteria over one source's rows; every set one must hold.

    `caller` and `dialed` (Engage ``*`` wildcards) only narrow: rows whose numbers are not known
    yet pass, for the gateway to decide once it has read their calls.
    """

    started_after: datetime | None = None
    started_before: datetime | None = None
    states: tuple[RecordingState, ...] = ()
    kinds: tuple[RecordingKind, ...] = ()
    region: str | None = None
    conversation_id: str | None = None
    caller: str | None = None
    dialed: str | None = None


def _where(source: str, query: IndexQuery) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = [_c.source == source]
    if query.started_after is not None:
        clauses.append(_c.start_us >= epoch_us(query.started_after))
    if query.started_before is not None:
        clauses.append(_c.start_us < epoch_us(query.started_before))
    if query.states:
        clauses.append(_c.state.in_([state.value for state in query.states]))
    if query.kinds:
        clauses.append(_c.kind.in_([kind.value for kind in query.kinds]))
    if query.region is not None:
        clauses.append(_c.region == query.region)
    if query.conversation_id is not None:
        clauses.append(_c.conversation_id == query.conversation_id)
    for column, pattern in ((_c.caller_number, query.caller), (_c.dialed_number, query.dialed)):
        if pattern:
            clauses.append(sa.or_(sa.not_(_c.numbers_known), column.like(like_pattern(pattern), escape="\\")))
    return clauses


def _row(source: str, recording: Recording, synced_at: datetime, known: Any | None) -> dict[str, Any]:
    """The row of a listed recording; `known` is its stored row, whose call numbers it keeps."""
    numbers_known = recording.call_id is None or recording.caller_number is not None
    numbers = (recording.caller_number, recording.dialed_number)
    if not numbers_known and known is not None and known.numbers_known and known.call_id == recording.call_id:
        numbers_known, numbers = True, (known.caller_number, known.dialed_number)
    start = recording.start_time
    return {
        "source": source,
        "id": recording.source_id,
        "start_us": epoch_us(start) if start else None,
        "duration_ms": recording.duration_ms,
        "state": recording.state.value,
        "kind": recording.kind.value,
        "region": recording.region,
        "conversation_id": recording.conversation_id,
        "call_id": recording.call_id,
        "numbers_known": numbers_known,
        "caller_number": numbers[0],
        "dialed_number": numbers[1],
        # Annotations change without their recording: the index never answers for them.
        "recording": encode(dataclasses.replace(recording, annotations=None)),
        "synced_at": max(synced_at, known.synced_at) if known is not None else synced_at,
    }


def _recording(row: Any) -> Recording:
    recording: Recording = decode(Recording, row.recording)
    if row.numbers_known:
        recording = dataclasses.replace(recording, caller_number=row.caller_number, dialed_number=row.dialed_number)
    return recording


class RecordingIndex:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(writer=True)

    async def upsert(self, source: str, recordings: Sequence[Recording], synced_at: datetime) -> None:
        """Store `recordings` of `source` as listed by the walk that started at `synced_at`."""
        if not recordings:
            return
        ids = list(dict.fromkeys(r.source_id for r in recordings))
        for attempt in range(_ATTEMPTS):
            try:
                async with self._writer.begin() as conn:
                    await self._replace(conn, source, ids, recordings, _naive(synced_at))
                return
            except IntegrityError:
                if attempt == _ATTEMPTS - 1:
                    raise

    @staticmethod
    async def _replace(
        conn: AsyncConnection, source: str, ids: list[str], recordings: Sequence[Recording], synced_at: datetime
    ) -> None:
        mine = sa.and_(_c.source == source, _c.id.in_(ids))
        stored = {
            row.id: row
            for row in await conn.execute(
                sa.select(_c.id, _c.call_id, _c.numbers_known, _c.caller_number, _c.dialed_number, _c.synced_at).where(
                    mine
                )
            )
        }
        rows = {r.source_id: _row(source, r, synced_at, stored.get(r.source_id)) for r in recordings}
        await conn.execute(recording_index.delete().where(mine))
        await conn.execute(recording_index.insert(), list(rows.values()))

    async def prune(self, source: str, walk_started: datetime) -> int:
        """After a complete walk: drop the rows not seen since it started; the index is complete as of then."""
        walked = _naive(walk_started)
        async with self._writer.begin() as conn:
            result = await conn.execute(recording_index.delete().where(_c.source == source, _c.synced_at < walked))
            await conn.execute(index_walks.delete().where(index_walks.c.source == source))
            await conn.execute(index_walks.insert().values(source=source, walked_at=walked))
        return int(result.rowcount or 0)

    async def walked_at(self, source: str) -> datetime | None:
        """When a walk of `source` last completed; None before the first one."""
        async with self.engine.connect() as conn:
            walked = await conn.scalar(sa.select(index_walks.c.walked_at).where(index_walks.c.source == source))
        return walked.replace(tzinfo=UTC) if walked else None

    async def pending_calls(self, source: str, limit: int) -> list[str]:
        """Up to `limit` call ids whose numbers the index lacks, newest recordings first."""
        statement = (
            sa.select(_c.call_id)
            .where(_c.source == source, sa.not_(_c.numbers_known), _c.call_id.is_not(None))
            .order_by(_SORT[SortKey.START_TIME].desc(), _c.id.desc())
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return list(dict.fromkeys(row.call_id for row in await conn.execute(statement)))

    async def set_numbers(self, source: str, calls: Mapping[str, CallDetails | None]) -> None:
        """Record each call's numbers (None: the call is gone, so there are none) on its recordings."""
        if not calls:
            return
        values = [
            {
                "call": call_id,
                "caller_number": call.caller_number if call else None,
                "dialed_number": call.dialed_number if call else None,
            }
            for call_id, call in calls.items()
        ]
        statement = (
            recording_index.update()
            .where(_c.source == source, _c.call_id == sa.bindparam("call"))
            .values(numbers_known=True)
        )
        async with self._writer.begin() as conn:
            await conn.execute(statement, values)

    async def known_numbers(self, source: str, recordings: Sequence[Recording]) -> dict[str, tuple[str | None, ...]]:
        """(caller, dialed) by recording id, for those of `recordings` whose call numbers the index knows."""
        calls = {r.source_id: r.call_id for r in recordings}
        statement = sa.select(_c.id, _c.call_id, _c.caller_number, _c.dialed_number).where(
            _c.source == source, _c.id.in_(list(calls)), _c.numbers_known
        )
        async with self.engine.connect() as conn:
            rows = await conn.execute(statement)
            return {row.id: (row.caller_number, row.dialed_number) for row in rows if row.call_id == calls[row.id]}

    async def page(
        self, source: str, query: IndexQuery, *, sort: SortKey, descending: bool, after: Keyset | None, limit: int
    ) -> list[tuple[Recording, int]]:
        """Matching recordings with their sort values, in (value, id) order after `after`."""
        value = _SORT[sort]
        clauses = _where(source, query)
        if after is not None:
            position = (after.value, after.id)
            clauses.append(sa.tuple_(value, _c.id) < position if descending else sa.tuple_(value, _c.id) > position)
        order = (value.desc(), _c.id.desc()) if descending else (value.asc(), _c.id.asc())
        statement = (
            sa.select(_c.recording, _c.numbers_known, _c.caller_number, _c.dialed_number, value.label("value"))
            .where(*clauses)
            .order_by(*order)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return [(_recording(row), int(row.value)) for row in await conn.execute(statement)]

    async def count(self, source: str, query: IndexQuery) -> int:
        statement = sa.select(sa.func.count()).select_from(recording_index).where(*_where(source, query))
        async with self.engine.connect() as conn:
            return int(await conn.scalar(statement) or 0)
