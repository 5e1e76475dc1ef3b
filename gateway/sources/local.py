"""The local store as a source: recordings ingested straight into the gateway."""

from __future__ import annotations

import contextlib
import dataclasses
import operator
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from gateway.errors import InvalidCursor, NotFound, Unsupported
from gateway.models import MediaFormat, MediaStream, Recording, RetentionPolicy, SourceKind, User
from gateway.query import ALL_ORDERS, Capability, OrderKey, Page, RecordingSearch, SortField, keyset_after, page_after
from gateway.sources.base import (
    DeleteOutcome,
    DeletingSource,
    IngestSource,
    MediaDeletionError,
    MediaSource,
    PolicySource,
    Source,
    UserDirectory,
    UserSource,
)
from gateway.sources.engage_model import to_recording
from gateway.store import Keyset, MediaReader, MediaRemover, RecordingQuery, RecordingStore, SortKey, StoredUser
from gateway.store.engage import parse_time
from gateway.store.policies import PolicyStore, retention_for

__all__ = ["LocalSource"]

_SORT_KEYS = {SortField.START_TIME: SortKey.START_TIME, SortField.DURATION: SortKey.DURATION}


def _keyset(recording: Recording, sort: SortField) -> list[Any]:
    if sort is SortField.DURATION:
        return [recording.duration_ms, recording.source_id]
    assert recording.start_time is not None
    return [recording.start_time.isoformat(), recording.source_id]


def _user(stored: StoredUser, source: str) -> User:
    name = " ".join(part for part in (stored.first_name, stored.last_name) if part) or stored.user_name
    email = stored.user_name if "@" in stored.user_name else None
    return User(
        source,
        stored.user_name,
        name=name,
        email=email,
        username=stored.user_name,
        first_name=stored.first_name,
        last_name=stored.last_name,
        state="active",
    )


class LocalSource(Source, UserSource, UserDirectory, PolicySource, IngestSource, DeletingSource, MediaSource):
    kind = SourceKind.LOCAL
    capabilities = frozenset(
        {
            Capability.TOTAL_COUNT,
            Capability.FILTER_TIME_RANGE,
            Capability.FILTER_CALLER_NUMBER,
            Capability.FILTER_DIALED_NUMBER,
            Capability.FILTER_PARTICIPANT,
            Capability.FILTER_USER_DATA,
            Capability.FILTER_REGION,
        }
    )
    native_orders = ALL_ORDERS

    def __init__(self, instance: str, store: RecordingStore, remover: MediaRemover, reader: MediaReader) -> None:
        self.instance = instance
        self.store = store
        self.remover = remover
        self.reader = reader
        self.policies = PolicyStore(store.engine, instance)

    async def _recordings(self, documents: Sequence[dict[str, Any] | None]) -> list[Recording | None]:
        """Documents as recordings, with the retention dates the local policies give them."""
        policies = await self.policies.all() if any(documents) else []
        result: list[Recording | None] = []
        for document in documents:
            recording = to_recording(document, self.instance) if document else None
            if recording is not None:
                recording = dataclasses.replace(recording, retention=retention_for(recording, policies))
            result.append(recording)
        return result

    @staticmethod
    def _query(search: RecordingSearch) -> RecordingQuery:
        f = search.filter
        terms = (f.participant or "").split()
        return RecordingQuery(
            caller=f.caller_number,
            dialed=f.dialed_number,
            started_after=f.started_after,
            started_before=f.started_before,
            user_terms=tuple(t for t in terms if t != "AND"),
            user_all_terms="AND" in terms,
            user_data_terms=tuple((f.user_data or "").split()),
            region=f.region,
        )

    async def list_recordings(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        sort = _SORT_KEYS[search.sort]
        after = None
        if position is not None:
            try:
                value = parse_time(position[0]) if sort is SortKey.START_TIME else int(position[0])
                after = Keyset(value, str(position[1]))
            except (ValueError, TypeError, IndexError, KeyError) as exc:
                raise InvalidCursor(f"the cursor's position in {self.instance} is invalid") from exc
        documents = await self.store.search(
            self._query(search), limit=limit + 1, after=after, sort=sort, descending=search.descending
        )
        items = [r for r in await self._recordings(documents[:limit]) if r is not None]
        resume = [_keyset(item, search.sort) for item in items]
        return Page(items, resume[-1] if len(documents) > limit else None, resume)

    def seek(self, search: RecordingSearch, key: OrderKey) -> list[Any]:
        value, native_id = keyset_after(key, self.instance, search)
        if search.sort is SortField.DURATION:
            return [int(value), native_id]
        return [datetime.fromtimestamp(value, UTC).isoformat(), native_id]

    async def count_recordings(self, search: RecordingSearch) -> int:
        return await self.store.count(self._query(search))

    async def get_recordings(self, ids: Sequence[str]) -> Sequence[Recording | None]:
        return await self._recordings(await self.store.get_many(ids))

    async def get_users(self, ids: Sequence[str]) -> Sequence[User | None]:
        found = {u.user_name: _user(u, self.instance) for u in await self.store.users(user_names=ids, limit=len(ids))}
        return [found.get(user_id) for user_id in ids]

    async def search_users(self, text: str | None, position: Any | None, limit: int) -> Page[User]:
        """Every matching agent is read (SQL cannot order by casefolded email), then paged here."""
        users = [_user(u, self.instance) for u in await self.store.users(search=text, limit=None)]
        key = operator.attrgetter("person_key")
        return page_after(sorted(users, key=key), key, position, limit)

    async def users_by_email(self, emails: Sequence[str]) -> Sequence[Sequence[User]]:
        """Agents whose user name is the email, case-insensitively: one query for the batch."""
        users = [_user(u, self.instance) for u in await self.store.users(emails=emails, limit=None)]
        return [[u for u in users if u.email and u.email.casefold() == email.casefold()] for email in emails]

    async def list_retention_policies(self, position: Any | None, limit: int) -> Page[RetentionPolicy]:
        policies = sorted(await self.policies.all(), key=lambda p: p.source_id)
        remaining = [p for p in policies if position is None or p.source_id > position]
        return Page(remaining[:limit], remaining[limit - 1].source_id if len(remaining) > limit else None)

    async def ingest_recording(self, document: dict[str, Any]) -> tuple[Recording, bool]:
        result = await self.store.ingest(document)
        (recording,) = await self._recordings([result.document])
        assert recording is not None
        return recording, result.created

    async def delete_recording(self, recording_id: str, *, with_media: bool) -> DeleteOutcome:
        (document,) = await self.store.get_many([recording_id])
        if document is None:
            raise NotFound(f"recording {recording_id} not found in {self.instance}")
        failures = await self.remover.remove_all(document["mediaFiles"]) if with_media else []
        await self.store.remove(recording_id)
        return DeleteOutcome(
            recording_id,
            media_deleted=with_media,
            failed_media=tuple(
                MediaDeletionError(f.file_id, f.media_id, f.descriptor["storage"], f.descriptor["path"], f.message)
                for f in failures
            ),
        )

    @contextlib.asynccontextmanager
    async def open_media(
        self, recording_id: str, media_file_id: str, format: MediaFormat | None, byte_range: str | None
    ) -> AsyncIterator[MediaStream]:
        (document,) = await self.store.get_many([recording_id])
        media = next((m for m in (document or {}).get("mediaFiles", []) if m["fileId"] == media_file_id), None)
        if document is None or media is None:
            raise NotFound(f"media file {media_file_id} of recording {recording_id} not found in {self.instance}")
        stored = next(m for m in to_recording(document, self.instance).media_files if m.id == media_file_id)
        if format not in (None, stored.format):
            raise Unsupported(f"{self.instance} serves media as stored ({stored.format.name}), not {format.name}")
        async with self.reader.open(
            media["mediaDescriptor"], stored.mime_type or "application/octet-stream", byte_range
        ) as stream:
            yield stream

    async def probe(self) -> None:
        await self.store.ping()
