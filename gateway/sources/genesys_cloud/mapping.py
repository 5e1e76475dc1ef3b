"""Genesys Cloud JSON -> the gateway's domain model.

Native ids: a conversation recording is ``<conversationId>/<recordingId>`` (the API needs both),
a user recording ``userrecording/<id>``, an annotation ``<conversationId>/<recordingId>/<id>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from gateway.models import (
    Annotation,
    CallDetails,
    Contact,
    ContactType,
    MediaFile,
    MediaFormat,
    Participant,
    Recording,
    RecordingKind,
    RecordingState,
    Retention,
    RetentionPolicy,
    User,
    UserRef,
)

__all__ = [
    "MIME_TYPES",
    "USER_RECORDING_PREFIX",
    "annotation",
    "call_details",
    "conversation_recording",
    "parse_time",
    "recording_id",
    "retention_policy",
    "split_recording_id",
    "user",
    "user_recording",
]

USER_RECORDING_PREFIX = "userrecording/"

_KINDS = {
    "audio": RecordingKind.CALL,
    "screen": RecordingKind.SCREEN,
    "chat": RecordingKind.CHAT,
    "messaging": RecordingKind.MESSAGE,
    "email": RecordingKind.EMAIL,
}
_STATES = {
    "AVAILABLE": RecordingState.AVAILABLE,
    "ARCHIVED": RecordingState.ARCHIVED,
    "DELETED": RecordingState.DELETED,
    "RESTORING": RecordingState.RESTORING,
    "RESTORED": RecordingState.AVAILABLE,
    "UPLOADING": RecordingState.PROCESSING,
    "ERROR": RecordingState.ERROR,
}
_PLAYABLE = ("AVAILABLE", "RESTORED")
MIME_TYPES = {
    MediaFormat.WAV: "audio/wav",
    MediaFormat.WAV_ULAW: "audio/wav",
    MediaFormat.MP3: "audio/mpeg",
    MediaFormat.WEBM: "audio/webm",
    MediaFormat.OGG_VORBIS: "audio/ogg",
    MediaFormat.OGG_OPUS: "audio/ogg",
}


def parse_time(value: Any) -> datetime | None:
    """An API datetime (``2024-05-01T12:34:56.789Z``) as aware UTC; None when absent or bad."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def recording_id(conversation_id: str, vendor_id: str) -> str:
    return f"{conversation_id}/{vendor_id}"


def split_recording_id(native_id: str) -> tuple[str, str] | None:
    """``(conversationId, recordingId)`` of a conversation recording id; None for anything else."""
    conversation_id, slash, vendor_id = native_id.partition("/")
    if not slash or not conversation_id or not vendor_id or "/" in vendor_id:
        return None
    if native_id.startswith(USER_RECORDING_PREFIX):
        return None
    return conversation_id, vendor_id


def _ms(start: datetime | None, end: datetime | None) -> int | None:
    return int((end - start).total_seconds() * 1000) if start and end else None


def _user_ref(source: str, raw: Any) -> UserRef | None:
    return UserRef(source, raw["id"]) if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None


def conversation_recording(
    source: str,
    raw: Mapping[str, Any],
    *,
    format: MediaFormat,
    transcoding: bool,
    conversation_start: datetime | None = None,
    call: CallDetails | None = None,
) -> Recording:
    """A ``Recording`` (with the annotations it embeds); `transcoding` when it came in a 202 (media
    not ready in `format` yet)."""
    file_state = raw.get("fileState")
    uris: dict[str, Any] = raw["mediaUris"] if isinstance(raw.get("mediaUris"), dict) else {}
    if (transcoding and not uris and file_state in (*_PLAYABLE, None)) or file_state is None:
        state = RecordingState.PROCESSING
    else:
        state = _STATES.get(str(file_state), RecordingState.ERROR)
    start = parse_time(raw.get("startTime")) or conversation_start
    end = parse_time(raw.get("endTime"))
    duration = raw.get("outputDurationMs") if isinstance(raw.get("outputDurationMs"), int) else _ms(start, end)
    size = raw.get("outputSizeInBytes") if isinstance(raw.get("outputSizeInBytes"), int) else None
    media = tuple(
        MediaFile(
            id=key,
            format=format,
            mime_type=MIME_TYPES.get(format),
            start_time=start,
            end_time=end,
            duration_ms=duration,
            size_bytes=size if len(uris) == 1 else None,
        )
        for key in sorted(uris)
    )
    users = [ref for ref in (_user_ref(source, u) for u in raw.get("users") or []) if ref]
    conversation_id = str(raw.get("conversationId", ""))
    native_id = recording_id(conversation_id, str(raw["id"]))
    listed = raw.get("annotations")
    return Recording(
        source=source,
        source_id=native_id,
        kind=_KINDS.get(str(raw.get("media")), RecordingKind.CALL),
        state=state,
        title=raw.get("name") or f"{str(raw.get('media', 'audio')).capitalize()} recording of {conversation_id}",
        start_time=start,
        end_time=end,
        created_at=parse_time(raw.get("creationTime")),
        duration_ms=duration,
        size_bytes=size,
        format=format if uris else None,
        conversation_id=conversation_id,
        caller_number=call.caller_number if call else None,
        dialed_number=call.dialed_number if call else None,
        owner=users[0] if users else None,
        participants=tuple(
            Participant(Contact(ContactType.USER, user_name=None, user=ref), start, end) for ref in users
        ),
        media_files=media,
        retention=Retention(
            parse_time(raw.get("archiveDate")), parse_time(raw.get("deleteDate")), parse_time(raw.get("exportDate"))
        ),
        vendor_data=dict(raw),
        call_id=conversation_id,
        annotations=tuple(annotation(source, native_id, a) for a in listed if isinstance(a, dict))
        if isinstance(listed, list)
        else None,
    )


def user_recording(source: str, raw: Mapping[str, Any], *, format: MediaFormat) -> Recording:
    """A ``UserRecording`` (the API user's inbox) as a recording; times from its conversation when
    expanded, else its creation."""
    conversation: dict[str, Any] = raw["conversation"] if isinstance(raw.get("conversation"), dict) else {}
    created = parse_time(raw.get("dateCreated"))
    start = parse_time(conversation.get("startTime")) or created
    duration = raw.get("durationMilliseconds") if isinstance(raw.get("durationMilliseconds"), int) else None
    end = parse_time(conversation.get("endTime"))
    size = raw.get("contentLength") if isinstance(raw.get("contentLength"), int) else None
    owner = _user_ref(source, raw.get("createdBy"))
    return Recording(
        source=source,
        source_id=USER_RECORDING_PREFIX + str(raw["id"]),
        kind=RecordingKind.USER_RECORDING,
        state=RecordingState.AVAILABLE,
        title=raw.get("name"),
        start_time=start,
        end_time=end,
        created_at=created,
        duration_ms=duration,
        size_bytes=size,
        format=format,
        conversation_id=conversation.get("id"),
        owner=owner,
        participants=(Participant(Contact(ContactType.USER, user=owner), start, end),) if owner else (),
        media_files=(
            MediaFile(
                id="content",
                format=format,
                mime_type=MIME_TYPES.get(format),
                start_time=start,
                end_time=end,
                duration_ms=duration,
            ),
        ),
        vendor_data=dict(raw),
    )


def _number(address: Any) -> str | None:
    return address.removeprefix("tel:") if isinstance(address, str) and address else None


def call_details(source: str, conversation: Mapping[str, Any]) -> CallDetails:
    """Caller and dialed number of an analytics conversation (its first session with an ANI)."""
    for participant in conversation.get("participants") or []:
        for session in participant.get("sessions") or []:
            if session.get("ani") or session.get("dnis"):
                return CallDetails(
                    source,
                    str(conversation["conversationId"]),
                    _number(session.get("ani")),
                    _number(session.get("dnis")),
                )
    return CallDetails(source, str(conversation["conversationId"]), None, None)


def user(source: str, raw: Mapping[str, Any]) -> User:
    return User(
        source=source,
        source_id=str(raw["id"]),
        name=raw.get("name"),
        email=raw.get("email"),
        username=raw.get("username"),
        title=raw.get("title"),
        department=raw.get("department"),
        state=raw.get("state"),
    )


def annotation(source: str, recording: str, raw: Mapping[str, Any]) -> Annotation:
    """An annotation of the recording with native id `recording`."""
    return Annotation(
        source=source,
        source_id=f"{recording}/{raw['id']}",
        recording_id=recording,
        name=raw.get("name"),
        type=raw.get("type") or raw.get("reason"),
        description=raw.get("description"),
        location_ms=raw.get("location"),
        duration_ms=raw.get("durationMs"),
        created_by=_user_ref(source, raw.get("user")),
        vendor_data=dict(raw),
    )


def _days(actions: Any, which: str) -> int | None:
    retention = actions.get("retentionDuration") if isinstance(actions, dict) else None
    days = (retention or {}).get(which, {}).get("days") if isinstance(retention, dict) else None
    return days if isinstance(days, int) else None


def retention_policy(source: str, raw: Mapping[str, Any]) -> RetentionPolicy:
    actions = raw.get("actions")
    return RetentionPolicy(
        source=source,
        source_id=str(raw["id"]),
        name=str(raw.get("name", "")),
        enabled=bool(raw.get("enabled", False)),
        description=raw.get("description"),
        order=raw.get("order"),
        created_at=parse_time(raw.get("createdDate")),
        modified_at=parse_time(raw.get("modifiedDate")),
        archive_after_days=_days(actions, "archiveRetention"),
        delete_after_days=_days(actions, "deleteRetention"),
        vendor_data=dict(raw),
    )
