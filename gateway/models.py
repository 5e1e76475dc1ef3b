"""The gateway's domain model: what a recording, user or policy is, whatever the source.

Plain frozen dataclasses, independent of GraphQL (the `resolvers` package wraps them) and of
any vendor (each source maps its payloads into them). Times are timezone-aware UTC.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any

__all__ = [
    "Annotation",
    "AnnotationChanges",
    "CallDetails",
    "Contact",
    "ContactType",
    "MediaFile",
    "MediaFormat",
    "MediaMask",
    "MediaStream",
    "Participant",
    "ParticipantEventType",
    "Recording",
    "RecordingEvent",
    "RecordingKind",
    "RecordingState",
    "Retention",
    "RetentionPolicy",
    "SourceKind",
    "User",
    "UserRef",
]


class SourceKind(enum.Enum):
    GENESYS_CLOUD = "genesys_cloud"
    WEBEX = "webex"
    BANDWIDTH = "bandwidth"
    GENESYS_ENGAGE = "genesys_engage"
    LOCAL = "local"


class RecordingKind(enum.Enum):
    CALL = "call"
    SCREEN = "screen"
    CHAT = "chat"
    EMAIL = "email"
    MESSAGE = "message"
    MEETING = "meeting"
    USER_RECORDING = "user_recording"


class RecordingState(enum.Enum):
    """States normalized across vendors."""

    RECORDING = "recording"
    PROCESSING = "processing"
    AVAILABLE = "available"
    ARCHIVED = "archived"
    RESTORING = "restoring"
    DELETED = "deleted"
    ERROR = "error"


class MediaFormat(enum.Enum):
    WAV = "wav"
    WEBM = "webm"
    WAV_ULAW = "wav_ulaw"
    OGG_VORBIS = "ogg_vorbis"
    OGG_OPUS = "ogg_opus"
    MP3 = "mp3"
    NONE = "none"


class ContactType(enum.Enum):
    EXTERNAL = "external"
    USER = "user"


class ParticipantEventType(enum.Enum):
    JOINED = "joined"
    LEFT = "left"


@dataclasses.dataclass(frozen=True)
class UserRef:
    """A pointer to a user of one source, resolved to a `User` through a loader."""

    source: str
    source_id: str


@dataclasses.dataclass(frozen=True)
class Contact:
    type: ContactType
    phone_number: str | None = None
    user_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    user: UserRef | None = None

    @property
    def display_name(self) -> str | None:
        full = " ".join(part for part in (self.first_name, self.last_name) if part)
        return full or self.user_name or self.phone_number


@dataclasses.dataclass(frozen=True)
class RecordingEvent:
    occurred_at: datetime
    type: ParticipantEventType
    contact: Contact
    data: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Participant:
    """A distinct contact of a recording with when it first joined and last left."""

    contact: Contact
    joined_at: datetime | None
    left_at: datetime | None


@dataclasses.dataclass(frozen=True)
class MediaMask:
    time: datetime
    type: str


@dataclasses.dataclass(frozen=True)
class MediaFile:
    id: str
    format: MediaFormat
    mime_type: str | None = None
    media_id: str | None = None
    call_uuid: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    duration_ms: int | None = None
    size_bytes: int | None = None
    encrypted: bool = False
    storage: str | None = None
    tenant: str | None = None
    ivr_profile: str | None = None
    parameters: dict[str, str] = dataclasses.field(default_factory=dict)
    masks: tuple[MediaMask, ...] = ()
    partitions: tuple[str, ...] = ()
    access_groups: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Retention:
    archive_at: datetime | None = None
    delete_at: datetime | None = None
    export_at: datetime | None = None
    policy_id: str | None = None


@dataclasses.dataclass(frozen=True)
class Recording:
    source: str
    source_id: str
    kind: RecordingKind
    state: RecordingState
    title: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    created_at: datetime | None = None
    duration_ms: int | None = None
    size_bytes: int | None = None
    format: MediaFormat | None = None
    region: str | None = None
    conversation_id: str | None = None
    caller_number: str | None = None
    dialed_number: str | None = None
    owner: UserRef | None = None
    participants: tuple[Participant, ...] = ()
    media_files: tuple[MediaFile, ...] = ()
    events: tuple[RecordingEvent, ...] = ()
    retention: Retention | None = None
    vendor_data: dict[str, Any] = dataclasses.field(default_factory=dict)
    # The source's call resource, when caller/dialed numbers live there (loaded on demand).
    call_id: str | None = None
    # Its annotations, when its source sends them with the recording; None: ask the source.
    annotations: tuple[Annotation, ...] | None = None


@dataclasses.dataclass(frozen=True)
class CallDetails:
    """What a source's call resource adds to its recordings."""

    source: str
    source_id: str
    caller_number: str | None
    dialed_number: str | None


@dataclasses.dataclass(frozen=True)
class User:
    """One identity of a person in one source; identities sharing an email are one person."""

    source: str
    source_id: str
    name: str | None = None
    email: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    department: str | None = None
    state: str | None = None

    @property
    def person_key(self) -> str:
        """Orders people and joins identities: the casefolded email, else this identity alone."""
        return f"email:{self.email.casefold()}" if self.email else f"id:{self.source}/{self.source_id}"


@dataclasses.dataclass(frozen=True)
class RetentionPolicy:
    source: str
    source_id: str
    name: str
    enabled: bool
    description: str | None = None
    order: int | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None
    archive_after_days: int | None = None
    delete_after_days: int | None = None
    vendor_data: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Annotation:
    """A note on a recording at a point in it (QA remarks, holds, pauses)."""

    source: str
    source_id: str
    recording_id: str
    name: str | None = None
    type: str | None = None
    description: str | None = None
    location_ms: int | None = None
    duration_ms: int | None = None
    created_by: UserRef | None = None
    created_at: datetime | None = None
    vendor_data: dict[str, Any] = dataclasses.field(default_factory=dict)
    # The source of the annotated recording, when the annotation is kept elsewhere (the gateway).
    recording_source: str | None = None


@dataclasses.dataclass(frozen=True)
class AnnotationChanges:
    """Fields to set on an annotation; None leaves a field as it is."""

    name: str | None = None
    description: str | None = None
    location_ms: int | None = None
    duration_ms: int | None = None


@dataclasses.dataclass(frozen=True)
class MediaStream:
    """An open media download: what to answer and the bytes to relay."""

    status_code: int
    headers: Mapping[str, str]
    body: AsyncIterator[bytes]
