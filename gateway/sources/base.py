"""The contract of a recording source: a small core, and one protocol per optional capability.

Every source (the local store, each vendor connector, and `IndexedSource`, which wraps one)
implements `Source`: who it is, which filters its listing applies itself, the listing, records by
id, a health probe and `aclose`. What only some sources do is a protocol of its own (media,
annotations, users, calls, retention policies, ingest, delete), checked with ``isinstance``
where it is used (`capable` raises `Unsupported` for a source without it). Each names its
`instance` too. Connectors subclass the protocols they implement, so mypy checks their signatures.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar, runtime_checkable

from gateway.errors import GatewayError, Unsupported
from gateway.models import (
    Annotation,
    AnnotationChanges,
    CallDetails,
    MediaFormat,
    MediaStream,
    Recording,
    RetentionPolicy,
    SourceKind,
    User,
)
from gateway.query import NEWEST_FIRST, Capability, Order, OrderKey, Page, RecordingSearch, SortField

__all__ = [
    "AnnotationSource",
    "CallSource",
    "DeleteOutcome",
    "DeletingSource",
    "HealthStatus",
    "IngestSource",
    "MediaDeletionError",
    "MediaSource",
    "PolicySource",
    "Source",
    "SourceHealth",
    "UserDirectory",
    "UserSource",
    "capabilities_of",
    "capable",
    "check_health",
]

P = TypeVar("P")


class HealthStatus(enum.Enum):
    UP = "up"
    DOWN = "down"


@dataclasses.dataclass(frozen=True)
class SourceHealth:
    status: HealthStatus
    message: str | None = None


@runtime_checkable
class Source(Protocol):
    """One source instance: set `instance`, `kind` and `capabilities` (the filters and traits it declares)."""

    instance: str
    kind: SourceKind
    capabilities: frozenset[Capability]
    # The orders `list_recordings` lists in; `IndexedSource` adds the others from the gateway's index.
    native_orders: frozenset[Order] = NEWEST_FIRST
    # The most ids one by-id call of this source takes: dataloaders batch up to it.
    max_batch_size: int = 100

    async def list_recordings(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        """Up to `limit` recordings after `position` (None: from the start), in one of `native_orders`."""
        ...

    async def get_recordings(self, ids: Sequence[str]) -> Sequence[Recording | None]:
        """Recordings by native id, in order; None where absent."""
        ...

    async def probe(self) -> None:
        """The cheapest call that proves the source answers; raises when it does not."""
        ...

    def pushdown(self, search: RecordingSearch) -> frozenset[Capability]:
        """What `list_recordings` applies itself for this search; the gateway applies the other criteria."""
        return self.capabilities

    def seek(self, search: RecordingSearch, key: OrderKey) -> Any | None:
        """A position from which the listing holds only what sorts after `key`; None when it cannot seek."""
        return None

    def listing_starts(self) -> datetime | None:
        """The earliest start time a listing without `started_after` reaches (a vendor's lookback); None: all."""
        return None

    async def count_recordings(self, search: RecordingSearch) -> int | None:
        """How many recordings match the search's pushed-down criteria, when the source can tell cheaply."""
        return None

    async def aclose(self) -> None:
        return None


async def check_health(source: Source) -> SourceHealth:
    """Up when the source's probe answers; down with the reason (a gateway error's message) otherwise."""
    try:
        await source.probe()
    except GatewayError as exc:
        return SourceHealth(HealthStatus.DOWN, exc.message)
    except Exception as exc:  # any failure of the probe is the answer, never the health query's error
        return SourceHealth(HealthStatus.DOWN, type(exc).__name__)
    return SourceHealth(HealthStatus.UP)


@runtime_checkable
class MediaSource(Protocol):
    instance: str

    def open_media(
        self, recording_id: str, media_file_id: str, format: MediaFormat | None, byte_range: str | None
    ) -> contextlib.AbstractAsyncContextManager[MediaStream]:
        """Open one media file for streaming (in `format` when the source can convert)."""
        ...


@runtime_checkable
class CallSource(Protocol):
    instance: str

    async def get_calls(self, ids: Sequence[str]) -> Sequence[CallDetails | None]:
        """Call resources by id, for recordings whose `call_id` is set."""
        ...


@runtime_checkable
class UserSource(Protocol):
    instance: str

    async def get_users(self, ids: Sequence[str]) -> Sequence[User | None]: ...

    async def users_by_email(self, emails: Sequence[str]) -> Sequence[Sequence[User]]:
        """The identities whose email is each of `emails`, compared case-insensitively; in order."""
        ...


@runtime_checkable
class UserDirectory(Protocol):
    instance: str

    async def search_users(self, text: str | None, position: Any | None, limit: int) -> Page[User]:
        """Users matching `text` in ``person_key`` order, after the key `position` (see `page_after`)."""
        ...


@runtime_checkable
class AnnotationSource(Protocol):
    instance: str

    async def get_annotations(self, recording_ids: Sequence[str]) -> Sequence[Sequence[Annotation]]:
        """The annotations of each recording, in order."""
        ...

    async def create_annotation(self, recording_id: str, changes: AnnotationChanges) -> Annotation: ...

    async def update_annotation(self, annotation_id: str, changes: AnnotationChanges) -> Annotation: ...

    async def delete_annotation(self, annotation_id: str) -> None: ...


@runtime_checkable
class PolicySource(Protocol):
    instance: str

    async def list_retention_policies(self, position: Any | None, limit: int) -> Page[RetentionPolicy]:
        """Policies ordered by their id in the source; `position` is the last id seen."""
        ...


@runtime_checkable
class IngestSource(Protocol):
    instance: str

    async def ingest_recording(self, document: dict[str, Any]) -> tuple[Recording, bool]:
        """Store an Engage-shaped recording document, merging with one of the same id; whether it is new."""
        ...


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


@runtime_checkable
class DeletingSource(Protocol):
    instance: str

    async def delete_recording(self, recording_id: str, *, with_media: bool) -> DeleteOutcome: ...


def capable(source: Source, protocol: type[P], what: str) -> P:
    """`source` as the capability `protocol`; `Unsupported` (it has no `what`) when it lacks it."""
    if not isinstance(source, protocol):
        raise Unsupported(f"source {source.instance} has no {what}")
    return source


_PROTOCOL_CAPABILITIES: tuple[tuple[type, Capability], ...] = (
    (UserDirectory, Capability.USERS),
    (AnnotationSource, Capability.ANNOTATIONS),
    (PolicySource, Capability.RETENTION_POLICIES),
    (MediaSource, Capability.MEDIA),
    (IngestSource, Capability.INGEST),
    (DeletingSource, Capability.DELETE),
)


def capabilities_of(source: Source) -> frozenset[Capability]:
    """Everything `source` can do: what it declares, the protocols it implements, and the orders it lists."""
    derived = {capability for protocol, capability in _PROTOCOL_CAPABILITIES if isinstance(source, protocol)}
    if (SortField.DURATION, True) in source.native_orders:
        derived.add(Capability.SORT_DURATION)
    return source.capabilities | derived | {Capability.SEARCH}
