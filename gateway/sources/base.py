"""The contract every recording source implements, local store and vendor connectors alike.

A source answers searches it can push down (declared in `capabilities`), fetches many records
by native id in one call, and reports its health. Mutations a source does not support raise
`Unsupported` from the defaults here, so resolvers never branch on the vendor.
"""

from __future__ import annotations

import abc
import contextlib
import dataclasses
import enum
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

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

__all__ = [
    "Capability",
    "DeleteOutcome",
    "HealthStatus",
    "MediaDeletionError",
    "Page",
    "RecordingFilter",
    "RecordingSearch",
    "SortField",
    "Source",
    "SourceHealth",
]


T = TypeVar("T")


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
    owner: UserRef | None = None
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

    `after[i]` is where the listing resumes just after `items[i]` (for recordings; other
    listings resume after an item's ``source_id``); `next` resumes after the page, None at the end.
    """

    items: Sequence[T]
    next: Any | None
    after: Sequence[Any] = ()


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

    @abc.abstractmethod
    async def search_recordings(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        """Up to `limit` recordings after `position` (None: from the start), in the search's order."""

    @abc.abstractmethod
    async def get_recordings(self, ids: Sequence[str]) -> Sequence[Recording | None]:
        """Recordings by native id, in order; None where absent."""

    @abc.abstractmethod
    async def health(self) -> SourceHealth: ...

    async def count_recordings(self, search: RecordingSearch) -> int | None:
        """How many recordings match, when the source can tell cheaply; else None."""
        return None

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
        raise Unsupported(f"source {self.instance} has no users")

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
