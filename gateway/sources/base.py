"""The contract every recording source implements, local store and vendor connectors alike.

A source answers searches it can push down (declared in `capabilities`), fetches many records
by native id in one call, and reports its health. Mutations a source does not support raise
`Unsupported` from the defaults here, so resolvers never branch on the vendor. A source lists
the orders in `native_orders` itself; the others come from its `index` when the gateway keeps one.
"""

from __future__ import annotations

import abc
import contextlib
import dataclasses
import enum
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from gateway.errors import Unsupported
from gateway.media import MediaStream
from gateway.models import (
    Annotation,
    AnnotationChanges,
    CallDetails,
    MediaFormat,
    Recording,
    RecordingKind,
    RecordingState,
    RetentionPolicy,
    SourceKind,
    User,
    UserRef,
)

if TYPE_CHECKING:
    from gateway.sources.indexed import SourceIndex

__all__ = [
    "ALL_ORDERS",
    "START_TIME_ORDERS",
    "Capability",
    "DeleteOutcome",
    "HealthStatus",
    "MediaDeletionError",
    "OrderKey",
    "Page",
    "RecordingFilter",
    "RecordingSearch",
    "SortField",
    "Source",
    "SourceHealth",
    "keyset_after",
]


T = TypeVar("T")
# A recording's place in a merged listing: (start timestamp or duration ms, source instance, native id).
OrderKey = tuple[float, str, str]


class Capability(enum.Enum):
    """What a source can do, and which filters it pushes down itself."""

    SEARCH = "search"
    USERS = "users"
    INGEST = "ingest"
    DELETE = "delete"
    TOTAL_COUNT = "total_count"
    RETENTION_POLICIES = "retention_policies"
    ANNOTATIONS = "annotations"
    MEDIA = "media"
    # Recordings change state on their own at the vendor; the gateway polls to report it.
    STATE_EVENTS = "state_events"
    FILTER_TIME_RANGE = "filter_time_range"
    FILTER_CALLER_NUMBER = "filter_caller_number"
    FILTER_DIALED_NUMBER = "filter_dialed_number"
    FILTER_PARTICIPANT = "filter_participant"
    FILTER_USER_DATA = "filter_user_data"
    FILTER_REGION = "filter_region"
    FILTER_STATE = "filter_state"
    FILTER_KIND = "filter_kind"
    FILTER_FORMAT = "filter_format"
    FILTER_CONVERSATION = "filter_conversation"
    FILTER_TEXT = "filter_text"
    FILTER_OWNER = "filter_owner"
    FILTER_RETENTION_DUE = "filter_retention_due"
    SORT_DURATION = "sort_duration"


class SortField(enum.Enum):
    START_TIME = "start_time"
    DURATION = "duration"


# Orders as (field, descending), for `Source.native_orders`.
START_TIME_ORDERS = frozenset({(SortField.START_TIME, True), (SortField.START_TIME, False)})
ALL_ORDERS = frozenset((field, descending) for field in SortField for descending in (True, False))


@dataclasses.dataclass(frozen=True)
class RecordingFilter:
    """Criteria over the unified model; all that are set must hold."""

    sources: tuple[str, ...] = ()
    started_after: datetime | None = None
    started_before: datetime | None = None
    caller_number: str | None = None
    dialed_number: str | None = None
    participant: str | None = None
    user_data: str | None = None
    region: str | None = None
    source_kinds: tuple[SourceKind, ...] = ()
    states: tuple[RecordingState, ...] = ()
    kinds: tuple[RecordingKind, ...] = ()
    formats: tuple[MediaFormat, ...] = ()
    conversation_id: str | None = None
    text: str | None = None
    # Owned by any of these identities; None: any owner (an empty tuple matches nothing).
    owners: tuple[UserRef, ...] | None = None
    owner_email: str | None = None
    # Recordings whose retention deletes them before this moment.
    retention_due_before: datetime | None = None


@dataclasses.dataclass(frozen=True)
class RecordingSearch:
    filter: RecordingFilter = RecordingFilter()
    sort: SortField = SortField.START_TIME
    descending: bool = True


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a source's listing, with JSON-able positions to resume from.

    `after[i]` is where the listing resumes just after `items[i]` (for recordings; users resume
    after an item's ``person_key``, other listings after its ``source_id``); `next` resumes after
    the page, None at the end.
    """

    items: Sequence[T]
    next: Any | None
    after: Sequence[Any] = ()


def page_after(items: Sequence[T], key: Callable[[T], str], position: Any | None, limit: int) -> Page[T]:
    """A page of `limit` of `items` (sorted by `key`) after the key `position` (None: from the start)."""
    rest = [item for item in items if position is None or key(item) > str(position)]
    page = rest[:limit]
    return Page(page, key(page[-1]) if len(rest) > limit else None, [key(item) for item in page])


@dataclasses.dataclass(frozen=True)
class MediaDeletionError:
    media_file_id: str
    media_id: str | None
    storage: str
    path: str
    message: str


@dataclasses.dataclass(frozen=True)
class DeleteOutcome:
    """A deleted recording; `failed_media` lists media files its storage could not delete."""

    recording_id: str
    media_deleted: bool
    failed_media: tuple[MediaDeletionError, ...] = ()


class HealthStatus(enum.Enum):
    UP = "up"
    DOWN = "down"


@dataclasses.dataclass(frozen=True)
class SourceHealth:
    status: HealthStatus
    message: str | None = None


class Source(abc.ABC):
    """One source instance. Subclasses set `instance`, `kind` and `capabilities`."""

    instance: str
    kind: SourceKind
    capabilities: frozenset[Capability]
    # The most ids one by-id call of this source takes (users, recordings): dataloaders batch up to it.
    max_batch_size: int = 100
    # The orders, (field, descending), that `search_recordings` lists in; the others need `index`.
    native_orders: frozenset[tuple[SortField, bool]] = frozenset({(SortField.START_TIME, True)})
    # The gateway's index of this source's recordings, when it keeps one (attached at start-up).
    index: SourceIndex | None = None

    @abc.abstractmethod
    async def search_recordings(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        """Up to `limit` recordings after `position` (None: from the start), in the search's order."""

    @abc.abstractmethod
    async def get_recordings(self, ids: Sequence[str]) -> Sequence[Recording | None]:
        """Recordings by native id, in order; None where absent."""

    @abc.abstractmethod
    async def health(self) -> SourceHealth: ...

    def _index_for(self, search: RecordingSearch) -> SourceIndex | None:
        """The index when `search` lists from it: an order this source does not list in itself."""
        return None if (search.sort, search.descending) in self.native_orders else self.index

    async def list_recordings(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        """The listing the merge walks: `search_recordings` in a native order, else the index (call
        numbers the index knows filled in either way); `Unsupported` for another order without one."""
        if (search.sort, search.descending) in self.native_orders:
            page = await self.search_recordings(search, position, limit)
            return await self.index.with_numbers(page) if self.index is not None else page
        if self.index is None:
            direction = "descending" if search.descending else "ascending"
            raise Unsupported(f"{self.instance} cannot list recordings by {search.sort.value} {direction}")
        return await self.index.list_recordings(search, position, limit)

    def seek(self, search: RecordingSearch, key: OrderKey) -> Any | None:
        """A position from which `list_recordings` lists only what sorts after `key`; None when it cannot seek."""
        index = self._index_for(search)
        return index.seek(search, key) if index is not None else None

    def listing_starts(self) -> datetime | None:
        """The earliest start time a listing without `started_after` reaches (a vendor's lookback); None: all."""
        return None

    def pushdown(self, search: RecordingSearch) -> frozenset[Capability]:
        """What `list_recordings` applies itself for this search; the gateway applies the other criteria."""
        index = self._index_for(search)
        return index.pushdown if index is not None else self.capabilities

    async def count_recordings(self, search: RecordingSearch) -> int | None:
        """How many recordings match, when the source can tell cheaply; else None."""
        index = self._index_for(search)
        return await index.count(search) if index is not None else None

    @contextlib.asynccontextmanager
    async def open_media(
        self, recording_id: str, media_file_id: str, format: MediaFormat | None, byte_range: str | None
    ) -> AsyncIterator[MediaStream]:
        """Open one media file for streaming (in `format` when the source can convert)."""
        raise Unsupported(f"source {self.instance} serves no media")
        yield  # pragma: no cover - makes this an async generator

    async def get_calls(self, ids: Sequence[str]) -> Sequence[CallDetails | None]:
        """Call resources by id, for recordings whose `call_id` is set."""
        raise Unsupported(f"source {self.instance} has no call resources")

    async def get_users(self, ids: Sequence[str]) -> Sequence[User | None]:
        raise Unsupported(f"source {self.instance} has no users")

    async def search_users(self, text: str | None, position: Any | None, limit: int) -> Page[User]:
        """Users matching `text` in ``person_key`` order, after the key `position` (see `page_after`)."""
        raise Unsupported(f"source {self.instance} has no users")

    async def users_by_email(self, emails: Sequence[str]) -> Sequence[Sequence[User]]:
        """The identities whose email is each of `emails`, compared case-insensitively; in order."""
        raise Unsupported(f"source {self.instance} cannot find users by email")

    async def get_annotations(self, recording_ids: Sequence[str]) -> Sequence[Sequence[Annotation]]:
        """The annotations of each recording, in order."""
        raise Unsupported(f"source {self.instance} keeps no annotations")

    async def create_annotation(self, recording_id: str, changes: AnnotationChanges) -> Annotation:
        raise Unsupported(f"source {self.instance} keeps no annotations")

    async def update_annotation(self, annotation_id: str, changes: AnnotationChanges) -> Annotation:
        raise Unsupported(f"source {self.instance} keeps no annotations")

    async def delete_annotation(self, annotation_id: str) -> None:
        raise Unsupported(f"source {self.instance} keeps no annotations")

    async def list_retention_policies(self, position: Any | None, limit: int) -> Page[RetentionPolicy]:
        """Policies ordered by their id in the source; `position` is the last id seen."""
        raise Unsupported(f"source {self.instance} has no retention policies")

    async def ingest_recording(self, document: dict[str, Any]) -> tuple[Recording, bool]:
        raise Unsupported(f"source {self.instance} does not accept ingested recordings")

    async def delete_recording(self, recording_id: str, *, with_media: bool) -> DeleteOutcome:
        raise Unsupported(f"source {self.instance} cannot delete recordings")

    async def aclose(self) -> None:
        return None


def keyset_after(key: OrderKey, instance: str, search: RecordingSearch) -> tuple[float, str]:
    """The (value, id) keyset position of source `instance` just after `key` in the search's merged order.

    A keyset excludes (value, id) pairs up to and including the position. At the key's value, the
    source's recordings sort after the key when its name sorts after the key's source, in either
    direction: then the position is (value, "") (every id passes in ascending order, none in
    descending), else the next representable value (1 ms of duration, 1 µs of time) with id "".
    """
    value, source, native_id = key
    if source == instance:
        return value, native_id
    if instance > source:
        return value, ""
    return value + (1 if search.sort is SortField.DURATION else 1e-6), ""
