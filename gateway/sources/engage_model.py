"""Map Genesys Engage recording documents into the unified model.

Shared by the local store (which keeps the Engage model) and the Genesys Engage connector.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.models import (
    Contact,
    ContactType,
    MediaFile,
    MediaFormat,
    MediaMask,
    Participant,
    ParticipantEventType,
    Recording,
    RecordingEvent,
    RecordingKind,
    RecordingState,
    UserRef,
)
from gateway.store.engage import parse_time

__all__ = ["to_recording"]

_FORMATS = {
    "mp3": MediaFormat.MP3,
    "mpeg": MediaFormat.MP3,
    "wav": MediaFormat.WAV,
    "x-wav": MediaFormat.WAV,
    "ogg": MediaFormat.OGG_VORBIS,
    "opus": MediaFormat.OGG_OPUS,
    "webm": MediaFormat.WEBM,
}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _format(media: Mapping[str, Any]) -> MediaFormat:
    mime = (media.get("type") or "").lower()
    if "/" in mime and mime.split("/", 1)[1] in _FORMATS:
        return _FORMATS[mime.split("/", 1)[1]]
    path = media.get("mediaDescriptor", {}).get("path") or media.get("mediaUri") or ""
    return _FORMATS.get(path.rsplit(".", 1)[-1].lower(), MediaFormat.NONE)


def _play_id(media: Mapping[str, Any]) -> str | None:
    """The file id in a GET's play URL (``.../recordings/{id}/play/{fileId}.{ext}``), as GWS names files."""
    uri = media.get("playPath") or media.get("mediaPath") or media.get("mediaUri") or ""
    head, _, name = uri.rpartition("/play/")
    return (name.rpartition(".")[0] or name) if head and name else None


def _media_file(media: Mapping[str, Any]) -> MediaFile:
    return MediaFile(
        id=media.get("fileId") or _play_id(media) or media.get("mediaId") or media["callUUID"],
        format=_format(media),
        mime_type=media.get("type"),
        media_id=media.get("mediaId"),
        call_uuid=media.get("callUUID"),
        start_time=parse_time(media["startTime"]),
        end_time=parse_time(media["stopTime"]),
        duration_ms=_int(media.get("duration")),
        size_bytes=_int(media.get("size")),
        encrypted=bool(media.get("pkcs7")),
        storage=(media.get("mediaDescriptor") or {}).get("storage"),
        tenant=media.get("tenant"),
        ivr_profile=media.get("ivrprofile"),
        parameters={str(k): str(v) for k, v in (media.get("parameters") or {}).items()},
        masks=tuple(MediaMask(parse_time(m["time"]), m["type"]) for m in media.get("masks") or []),
        partitions=tuple(media.get("partitions") or ()),
        access_groups=tuple(media.get("accessgroups") or media.get("accessgroup") or ()),
    )


def _contact(raw: Mapping[str, Any], source: str) -> Contact:
    is_user = raw.get("type") == "User"
    return Contact(
        type=ContactType.USER if is_user else ContactType.EXTERNAL,
        phone_number=raw.get("phoneNumber"),
        user_name=raw.get("userName"),
        first_name=raw.get("firstName"),
        last_name=raw.get("lastName"),
        user=UserRef(source, raw["userName"]) if is_user and raw.get("userName") else None,
    )


def _participants(events: list[RecordingEvent]) -> tuple[Participant, ...]:
    spans: dict[tuple[Any, ...], tuple[Contact, datetime | None, datetime | None]] = {}
    for event in events:
        contact = event.contact
        key = (contact.type, contact.user_name, contact.phone_number)
        _, joined, left = spans.get(key, (contact, None, None))
        if event.type is ParticipantEventType.JOINED:
            joined = min(joined, event.occurred_at) if joined else event.occurred_at
        else:
            left = max(left, event.occurred_at) if left else event.occurred_at
        spans[key] = (contact, joined, left)
    return tuple(Participant(contact, joined, left) for contact, joined, left in spans.values())


def to_recording(document: Mapping[str, Any], source: str) -> Recording:
    """The unified recording for one Engage document (as stored, or as a GET returns it)."""
    media_files = tuple(_media_file(m) for m in document.get("mediaFiles") or [])
    events = [
        RecordingEvent(
            occurred_at=parse_time(e["occurredAt"]),
            type=ParticipantEventType.JOINED if e["event"] == "Joined" else ParticipantEventType.LEFT,
            contact=_contact(e["contact"], source),
            data={str(k): str(v) for k, v in (e.get("data") or {}).items()},
        )
        for e in document.get("eventHistory") or []
    ]
    start, end = parse_time(document["startTime"]), parse_time(document["stopTime"])
    formats = {m.format for m in media_files}
    owner = next((e.contact.user for e in events if e.contact.user), None)
    sizes = [m.size_bytes for m in media_files]
    return Recording(
        source=source,
        source_id=document["id"],
        kind=RecordingKind.CALL,
        state=RecordingState.AVAILABLE,
        title=f"Call {document.get('callerPhoneNumber')} → "
        f"{document.get('dialedPhoneNumber') or document.get('dialledPhoneNumber')}",
        start_time=start,
        end_time=end,
        created_at=start,
        duration_ms=int((end - start).total_seconds() * 1000),
        size_bytes=sum(s for s in sizes if s is not None) if any(s is not None for s in sizes) else None,
        format=formats.pop() if len(formats) == 1 else None,
        region=document.get("region"),
        conversation_id=document["id"],
        caller_number=document.get("callerPhoneNumber"),
        dialed_number=document.get("dialedPhoneNumber") or document.get("dialledPhoneNumber"),
        owner=owner,
        participants=_participants(events),
        media_files=media_files,
        events=tuple(events),
        vendor_data={k: v for k, v in document.items() if k not in ("mediaFiles", "eventHistory")},
    )
