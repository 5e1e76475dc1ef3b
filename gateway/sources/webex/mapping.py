"""Webex converged recordings and people as the gateway's models.

A recording's `start_time` is its ``createTime`` (when Webex produced the file), because that
is the one time the compliance list sorts and windows by: the gateway's order and time filter
then agree with the vendor's exactly. ``timeRecorded`` (when recording began) is the media
file's `start_time`, and its end is ``timeRecorded + durationSeconds``.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from typing import Any

from gateway.models import (
    CallDetails,
    MediaFile,
    MediaFormat,
    Recording,
    RecordingKind,
    RecordingState,
    User,
    UserRef,
)

__all__ = [
    "AUDIO_MEDIA_ID",
    "LINKS_FIELD",
    "call_details",
    "epoch_ms",
    "parse_time",
    "person_id",
    "person_uuid",
    "to_recording",
    "to_user",
    "wire_time",
]

_PEOPLE_PREFIX = "ciscospark://us/PEOPLE/"
# Purged recordings are gone for good as far as a gateway client is concerned.
_STATES = {"available": RecordingState.AVAILABLE, "deleted": RecordingState.DELETED, "purged": RecordingState.DELETED}
AUDIO_MEDIA_ID = "audio"
# Pre-signed download links of the details call: never copied into `vendor_data`.
LINKS_FIELD = "temporaryDirectDownloadLinks"


def person_id(owner_uuid: str) -> str:
    """The People API id of a converged ``ownerId`` (a bare UUID): base64, no ``=`` padding."""
    return base64.b64encode(f"{_PEOPLE_PREFIX}{owner_uuid}".encode()).decode().rstrip("=")


def person_uuid(webex_id: str) -> str | None:
    """The UUID inside a People API id, or None when `webex_id` is not one."""
    try:
        text = base64.b64decode(webex_id + "=" * (-len(webex_id) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return text.removeprefix(_PEOPLE_PREFIX) if text.startswith(_PEOPLE_PREFIX) else None


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch, rounded up (so ``>= moment`` stays exact at ms precision)."""
    whole = moment.replace(microsecond=0)
    return int(whole.timestamp()) * 1000 + -(-moment.microsecond // 1000)


def wire_time(ms: int) -> str:
    """An ISO 8601 UTC instant with milliseconds, as ``from``/``to`` take it."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def to_recording(source: str, raw: dict[str, Any]) -> Recording:
    """A list item or details object as a `Recording`; `vendor_data` is the item without its links."""
    created = parse_time(raw.get("createTime"))
    recorded = parse_time(raw.get("timeRecorded"))
    seconds = raw.get("durationSeconds")
    duration_ms = int(seconds * 1000) if isinstance(seconds, int | float) else None
    status = raw.get("status", "available")
    media: tuple[MediaFile, ...] = ()
    if status != "purged":
        end = recorded + timedelta(milliseconds=duration_ms) if recorded and duration_ms is not None else None
        media = (
            MediaFile(
                id=AUDIO_MEDIA_ID,
                format=MediaFormat.MP3,
                mime_type="audio/mpeg",
                media_id=raw["id"],
                start_time=recorded,
                end_time=end,
                duration_ms=duration_ms,
                size_bytes=raw.get("sizeBytes"),
            ),
        )
    owner_uuid = raw.get("ownerId")
    # Only people are People API users; lines, workspaces and queues are not.
    owner = UserRef(source, person_id(owner_uuid)) if owner_uuid and raw.get("ownerType") == "user" else None
    service_data = raw.get("serviceData") or {}
    return Recording(
        source=source,
        source_id=raw["id"],
        kind=RecordingKind.CALL,
        state=_STATES.get(status, RecordingState.ERROR),
        title=raw.get("topic"),
        start_time=created,
        created_at=created,
        duration_ms=duration_ms,
        size_bytes=raw.get("sizeBytes"),
        format=MediaFormat.MP3 if raw.get("format", "MP3").upper() == "MP3" else MediaFormat.NONE,
        region=raw.get("storageRegion"),
        conversation_id=service_data.get("callSessionId"),
        owner=owner,
        media_files=media,
        vendor_data={k: v for k, v in raw.items() if k != LINKS_FIELD},
        # Caller and dialed numbers are in the recording's metadata document (`call_details`).
        call_id=raw["id"],
    )


def call_details(source: str, recording_id: str, metadata: dict[str, Any]) -> CallDetails:
    data = metadata.get("serviceData") or {}
    return CallDetails(
        source,
        recording_id,
        (data.get("callingParty") or {}).get("number"),
        (data.get("calledParty") or {}).get("number"),
    )


def to_user(source: str, raw: dict[str, Any]) -> User:
    emails = raw.get("emails") or []
    return User(
        source=source,
        source_id=raw["id"],
        name=raw.get("displayName"),
        email=emails[0] if emails else None,
        first_name=raw.get("firstName"),
        last_name=raw.get("lastName"),
        title=raw.get("title"),
        department=raw.get("department"),
    )
