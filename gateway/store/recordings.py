"""`RecordingStore`: the Engage recording model persisted in SQL, one transaction per write."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.errors import StoreError
from gateway.store import engage
from gateway.store.database import open_engine
from gateway.store.migrations import migrate
from gateway.store.tables import contacts, recordings, user_data

__all__ = ["IngestResult", "Keyset", "RecordingStore", "SortKey", "StoredUser", "like_pattern"]

_BATCH = 1000  # ids per IN (...) of a batch ingest


class SortKey(enum.Enum):
    START_TIME = "start_time"
    DURATION = "duration_ms"


@dataclasses.dataclass(frozen=True)
class Keyset:
    """A position in a sorted listing: the sort value and id of the last row seen."""

    value: datetime | int
    id: str


@dataclasses.dataclass(frozen=True)
class IngestResult:
    document: dict[str, Any]
    created: bool


@dataclasses.dataclass(frozen=True)
class StoredUser:
    """An agent (a ``User`` contact) seen in the store's recordings."""

    user_name: str
    first_name: str | None
    last_name: str | None


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def like_pattern(pattern: str) -> str:
    """Engage's ``*`` wildcard as a LIKE pattern (escape character ``\\``)."""
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


def _where(query: engage.RecordingQuery) -> list[sa.ColumnElement[bool]]:
    r = recordings.c
    clauses: list[sa.ColumnElement[bool]] = []
    if query.region is not None:
        clauses.append(r.region == query.region)
    if query.caller:
        clauses.append(r.caller_number.like(like_pattern(query.caller), escape="\\"))
    if query.dialed:
        clauses.append(r.dialed_number.like(like_pattern(query.dialed), escape="\\"))
    if query.started_after:
        clauses.append(r.start_time >= _naive(query.started_after))
    if query.started_before:
        clauses.append(r.start_time < _naive(query.started_before))
    if query.ended_before:
        clauses.append(r.stop_time <= _naive(query.ended_before))
    if query.user_terms:
        matches = [
            sa.exists().where(
                contacts.c.recording_id == r.id,
                sa.or_(
                    *(
                        column.ilike(like_pattern(term), escape="\\")
                        for column in (contacts.c.user_name, contacts.c.first_name, contacts.c.last_name)
                    )
                ),
            )
            for term in query.user_terms
        ]
        clauses.append(sa.and_(*matches) if query.user_all_terms else sa.or_(*matches))
    if query.user_data_terms:
        clauses.append(
            sa.or_(
                *(
                    sa.exists().where(
                        user_data.c.recording_id == r.id, user_data.c.value.like(like_pattern(term), escape="\\")
                    )
                    for term in query.user_data_terms
                )
            )
        )
    return clauses


def _index_rows(document: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Search rows: each distinct named contact (name searches) and each distinct event data value."""
    contacts_seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    values: dict[str, None] = {}
    for event in document["eventHistory"]:
        contact = event["contact"]
        names = (contact.get("userName"), contact.get("firstName"), contact.get("lastName"))
        if any(names):
            contacts_seen.setdefault(
                (contact["type"], contact["phoneNumber"], *names),
                {
                    "recording_id": document["id"],
                    "contact_type": contact["type"],
                    "phone_number": contact["phoneNumber"],
                    "user_name": names[0],
                    "first_name": names[1],
                    "last_name": names[2],
                },
            )
        values.update(dict.fromkeys((event.get("data") or {}).values()))
    return list(contacts_seen.values()), [{"recording_id": document["id"], "value": v} for v in values]


def _columns(document: dict[str, Any]) -> dict[str, Any]:
    """The ``recordings`` columns derived from a merged document (all but id and timestamps)."""
    start, stop = engage.parse_time(document["startTime"]), engage.parse_time(document["stopTime"])
    return {
        "region": document["region"],
        "caller_number": document["callerPhoneNumber"],
        "dialed_number": document["dialedPhoneNumber"],
        "start_time": _naive(start),
        "stop_time": _naive(stop),
        "duration_ms": int((stop - start).total_seconds() * 1000),
        "document": document,
    }


class RecordingStore:
    """Recordings ingested straight into the gateway, with Engage's validation and merge rules."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(writer=True)

    @classmethod
    async def open(cls, url: str) -> RecordingStore:
        """Connect to `url` and bring its schema to the current version."""
        engine = open_engine(url)
        try:
            await migrate(engine)
        except (SQLAlchemyError, OSError) as exc:
            await engine.dispose()
            raise StoreError(f"cannot open the store: {type(exc).__name__}") from exc
        return cls(engine)

    async def aclose(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def ingest(self, posted: dict[str, Any]) -> IngestResult:
        """Validate `posted`, merge it into any stored recording with its id, persist atomically."""
        engage.validate(posted)
        for attempt in range(3):
            try:
                async with self._writer.begin() as conn:
                    return await self._ingest(conn, posted)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _ingest(self, conn: AsyncConnection, posted: dict[str, Any]) -> IngestResult:
        select = sa.select(recordings.c.document).where(recordings.c.id == posted["id"])
        if conn.dialect.name == "postgresql":
            select = select.with_for_update()
        stored = (await conn.execute(select)).scalar_one_or_none()
        document = engage.merge(stored, posted)
        now = _naive(datetime.now(UTC))
        values = {**_columns(document), "updated_at": now}
        if stored is None:
            await conn.execute(recordings.insert().values(id=document["id"], created_at=now, **values))
        else:
            await conn.execute(recordings.update().where(recordings.c.id == document["id"]).values(**values))
            await self._delete_index_rows(conn, document["id"])
        contact_rows, data_rows = _index_rows(document)
        if contact_rows:
            await conn.execute(contacts.insert(), contact_rows)
        if data_rows:
            await conn.execute(user_data.insert(), data_rows)
        return IngestResult(document, created=stored is None)

    async def ingest_many(self, documents: Sequence[dict[str, Any]]) -> list[IngestResult]:
        """`ingest` for a batch: validate all first, merge each (in order), persist in one transaction.

        Nothing is stored when any document is invalid. Rows are written with executemany, so
        seeding 100,000 recordings takes seconds; one result per distinct id, in first-seen order.
        """
        for posted in documents:
            engage.validate(posted)
        for attempt in range(3):
            try:
                async with self._writer.begin() as conn:
                    return await self._ingest_many(conn, documents)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _ingest_many(self, conn: AsyncConnection, documents: Sequence[dict[str, Any]]) -> list[IngestResult]:
        ids = list(dict.fromkeys(posted["id"] for posted in documents))
        stored: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), _BATCH):
            select = sa.select(recordings.c.id, recordings.c.document).where(
                recordings.c.id.in_(ids[start : start + _BATCH])
            )
            if conn.dialect.name == "postgresql":
                select = select.with_for_update()
            stored.update({row.id: row.document for row in await conn.execute(select)})
        merged = dict(stored)
        for posted in documents:
            merged[posted["id"]] = engage.merge(merged.get(posted["id"]), posted)
        now = _naive(datetime.now(UTC))
        fresh = [i for i in ids if i not in stored]
        inserts = [{"id": i, "created_at": now, "updated_at": now, **_columns(merged[i])} for i in fresh]
        updates = [{"key": i, "updated_at": now, **_columns(merged[i])} for i in stored]
        for start in range(0, len(updates), _BATCH):
            await self._delete_index_rows(conn, *(row["key"] for row in updates[start : start + _BATCH]))
        if updates:
            await conn.execute(recordings.update().where(recordings.c.id == sa.bindparam("key")), updates)
        if inserts:
            await conn.execute(recordings.insert(), inserts)
        contact_rows: list[dict[str, Any]] = []
        data_rows: list[dict[str, Any]] = []
        for recording_id in ids:
            contacts_of, data_of = _index_rows(merged[recording_id])
            contact_rows += contacts_of
            data_rows += data_of
        if contact_rows:
            await conn.execute(contacts.insert(), contact_rows)
        if data_rows:
            await conn.execute(user_data.insert(), data_rows)
        return [IngestResult(merged[i], created=i not in stored) for i in ids]

    @staticmethod
    async def _delete_index_rows(conn: AsyncConnection, *recording_ids: str) -> None:
        await conn.execute(contacts.delete().where(contacts.c.recording_id.in_(recording_ids)))
        await conn.execute(user_data.delete().where(user_data.c.recording_id.in_(recording_ids)))

    async def get_many(self, ids: Sequence[str], *, region: str | None = None) -> list[dict[str, Any] | None]:
        """The documents for `ids`, in order; None where absent (or in another region)."""
        if not ids:
            return []
        statement = sa.select(recordings.c.id, recordings.c.document).where(recordings.c.id.in_(set(ids)))
        if region is not None:
            statement = statement.where(recordings.c.region == region)
        async with self.engine.connect() as conn:
            found = {row.id: row.document for row in await conn.execute(statement)}
        return [found.get(recording_id) for recording_id in ids]

    async def search(
        self,
        query: engage.RecordingQuery,
        *,
        limit: int,
        offset: int = 0,
        after: Keyset | None = None,
        sort: SortKey = SortKey.START_TIME,
        descending: bool = True,
    ) -> list[dict[str, Any]]:
        """Matching documents in (sort, id) order, after `after` (keyset) and/or `offset`."""
        column, ident = recordings.c[sort.value], recordings.c.id
        clauses = _where(query)
        if after is not None:
            value = _naive(after.value) if isinstance(after.value, datetime) else after.value
            beyond = (
                sa.tuple_(column, ident) < (value, after.id)
                if descending
                else sa.tuple_(column, ident) > (value, after.id)
            )
            clauses.append(beyond)
        order = (column.desc(), ident.desc()) if descending else (column.asc(), ident.asc())
        statement = sa.select(recordings.c.document).where(*clauses).order_by(*order).limit(limit).offset(offset)
        async with self.engine.connect() as conn:
            return [row.document for row in await conn.execute(statement)]

    async def count(self, query: engage.RecordingQuery) -> int:
        statement = sa.select(sa.func.count()).select_from(recordings).where(*_where(query))
        async with self.engine.connect() as conn:
            return int(await conn.scalar(statement) or 0)

    async def remove(self, recording_id: str) -> bool:
        """Delete a recording's metadata in one transaction; False when it was not there."""
        async with self._writer.begin() as conn:
            result = await conn.execute(recordings.delete().where(recordings.c.id == recording_id))
            await self._delete_index_rows(conn, recording_id)
        return bool(result.rowcount)

    async def users(
        self,
        *,
        search: str | None = None,
        user_names: Sequence[str] | None = None,
        emails: Sequence[str] | None = None,
        limit: int | None = 100,
        after: str | None = None,
    ) -> list[StoredUser]:
        """Distinct agents of the stored recordings, by user name; `search` matches any name part,
        `emails` user names case-insensitively; `limit` None for all."""
        c = contacts.c
        statement = sa.select(c.user_name, sa.func.max(c.first_name), sa.func.max(c.last_name)).where(
            c.contact_type == "User", c.user_name.is_not(None)
        )
        if user_names is not None:
            statement = statement.where(c.user_name.in_(set(user_names)))
        if emails is not None:
            statement = statement.where(sa.func.lower(c.user_name).in_({email.lower() for email in emails}))
        if search:
            pattern = f"%{like_pattern(search.strip())}%"
            statement = statement.where(
                sa.or_(*(col.ilike(pattern, escape="\\") for col in (c.user_name, c.first_name, c.last_name)))
            )
        if after is not None:
            statement = statement.where(c.user_name > after)
        statement = statement.group_by(c.user_name).order_by(c.user_name).limit(limit)
        async with self.engine.connect() as conn:
            return [StoredUser(*row) for row in await conn.execute(statement)]
