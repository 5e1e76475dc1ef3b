"""Entities as the API sends them: absent fields are omitted, never null (the SDK's enum
setters crash on null)."""

from __future__ import annotations

from typing import Any

from ..world import Call, Person, stable_uuid
from .catalog import user_ref
from .data import ConvRecording, Member, Orphan, UserRecording
from .params import iso
from .store import Store

__all__ = [
    "conversation_json",
    "metadata_json",
    "orphan_json",
    "recording_json",
    "user_json",
    "user_recording_json",
]

_RESTORATIONS = 10000  # maxAllowedRestorationsForOrg / remaining...: deprecated, always 10000


def _retention(rec: ConvRecording, body: dict[str, Any]) -> None:
    if rec.archive_date is not None:
        body["archiveDate"] = iso(rec.archive_date)
        body["archiveMedium"] = "CLOUDARCHIVE"
    if rec.delete_date is not None:
        body["deleteDate"] = iso(rec.delete_date)
    if rec.export_date is not None:
        body["exportDate"] = iso(rec.export_date)
    if rec.restore_expiration is not None and rec.file_state in ("RESTORING", "RESTORED"):
        body["restoreExpirationTime"] = iso(rec.restore_expiration)


def metadata_json(rec: ConvRecording, store: Store) -> dict[str, Any]:
    """A ``RecordingMetadata`` (no media)."""
    call = rec.call
    body: dict[str, Any] = {
        "id": rec.id,
        "conversationId": call.conversation_id,
        "startTime": iso(rec.start),
        "endTime": iso(rec.end),
        "media": rec.media,
        "mediaSubtype": rec.subtype,
        "annotations": list(store.annotations(rec).values()),
        "fileState": rec.file_state,
        "maxAllowedRestorationsForOrg": _RESTORATIONS,
        "remainingRestorationsAllowedForOrg": _RESTORATIONS,
        "sessionId": rec.session_id,
        "selfUri": f"/api/v2/conversations/{call.conversation_id}/recordings/{rec.id}",
    }
    _retention(rec, body)
    return body


def recording_json(
    rec: ConvRecording,
    store: Store,
    *,
    media_uris: dict[str, dict[str, Any]] | None = None,
    transcoding_ms: int = 0,
    output_bytes: int | None = None,
) -> dict[str, Any]:
    """A ``Recording``; `media_uris` once media is ready, `transcoding_ms` while it is not."""
    body = metadata_json(rec, store)
    body.update(
        {
            "users": [{"id": rec.user.uuid, "selfUri": f"/api/v2/users/{rec.user.uuid}"}],
            "recordingFileRole": "CUSTOMER_EXPERIENCE",
            "creationTime": iso(rec.call.end),
        }
    )
    if transcoding_ms:
        body["estimatedTranscodeTimeMs"] = transcoding_ms
        del body["sessionId"]
    elif media_uris is not None:
        body["mediaUris"] = media_uris
        body["estimatedTranscodeTimeMs"] = rec.transcode_ms
        body["actualTranscodeTimeMs"] = rec.transcode_ms
        body["outputDurationMs"] = rec.duration_ms
        if output_bytes is not None:
            body["outputSizeInBytes"] = output_bytes
    if rec.file_state == "ARCHIVED":
        body.pop("sessionId", None)
    return body


def user_json(member: Member, store: Store) -> dict[str, Any]:
    """A ``User``; the username is the login email, as in Genesys Cloud."""
    person = member.person
    return {
        "id": person.uuid,
        "name": person.name,
        "division": {
            "id": store.division_id,
            "name": "Home",
            "selfUri": f"/api/v2/authorization/divisions/{store.division_id}",
        },
        "chat": {"jabberId": f"{person.uuid.replace('-', '')[:24]}@sandbox.orgspan.com"},
        "department": member.department,
        "email": person.email,
        "primaryContactInfo": [
            {"address": person.email, "mediaType": "EMAIL", "type": "PRIMARY"},
            {"address": person.phone, "display": person.phone, "mediaType": "PHONE", "type": "PRIMARY"},
        ],
        "addresses": [{"address": person.phone, "display": person.phone, "mediaType": "PHONE", "type": "WORK"}],
        "state": member.state,
        "title": member.title,
        "username": person.email,
        "version": member.version,
        "acdAutoAnswer": False,
        "selfUri": f"/api/v2/users/{person.uuid}",
    }


def _participant(call: Call, purpose: str, person: Person | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": stable_uuid(call.conversation_id, purpose, "participant"),
        "startTime": iso(call.start),
        "endTime": iso(call.end),
        "connectedTime": iso(call.start),
        "purpose": purpose,
        "participantType": "External" if purpose == "customer" else "Internal",
        "address": f"tel:{call.caller if purpose == 'customer' else call.dialed}",
        "ani": f"tel:{call.caller}",
        "dnis": f"tel:{call.dialed}",
        "wrapupRequired": purpose == "agent",
        "attributes": {},
    }
    body["name"] = person.name if person is not None else call.caller
    if purpose == "agent" and person is not None:
        body["userId"] = person.uuid
        body["userUri"] = f"/api/v2/users/{person.uuid}"
    return body


def conversation_json(call: Call) -> dict[str, Any]:
    """A ``Conversation`` (what ``expand=conversation`` embeds)."""
    return {
        "id": call.conversation_id,
        "startTime": iso(call.start),
        "endTime": iso(call.end),
        "participants": [_participant(call, "customer", call.customer), _participant(call, "agent", call.agent)],
        "recordingState": "NONE",
        "selfUri": f"/api/v2/conversations/{call.conversation_id}",
    }


def user_recording_json(ur: UserRecording, store: Store, *, expand: bool = False) -> dict[str, Any]:
    """A ``UserRecording``; the conversation only with ``expand=conversation``."""
    owner = store.api_user
    body: dict[str, Any] = {
        "id": ur.id,
        "name": ur.name,
        "dateCreated": iso(ur.created),
        "dateModified": iso(ur.modified),
        "workspace": {
            "id": stable_uuid(owner.uuid, "workspace"),
            "name": owner.name,
            "selfUri": f"/api/v2/contentmanagement/workspaces/{stable_uuid(owner.uuid, 'workspace')}",
        },
        "createdBy": user_ref(ur.creator),
        "contentLength": ur.call.duration_ms * 2,
        "durationMilliseconds": ur.call.duration_ms,
        "read": ur.read,
        "selfUri": f"/api/v2/userrecordings/{ur.id}",
    }
    if expand:
        body["conversation"] = conversation_json(ur.call)
    return body


def orphan_json(orphan: Orphan) -> dict[str, Any]:
    """An ``OrphanRecording`` with its embedded ``Recording`` stub."""
    recording: dict[str, Any] = {
        "id": orphan.recording_id,
        "startTime": iso(orphan.created),
        "media": "screen" if orphan.media_type == "SCREEN" else "audio",
        "mediaSubtype": orphan.subtype,
        "fileState": orphan.file_state,
        "maxAllowedRestorationsForOrg": _RESTORATIONS,
        "remainingRestorationsAllowedForOrg": _RESTORATIONS,
        "outputDurationMs": orphan.duration_ms,
        "creationTime": iso(orphan.created),
        "selfUri": f"/api/v2/orphanrecordings/{orphan.id}/media",
    }
    if orphan.conversation_id is not None:
        recording["conversationId"] = orphan.conversation_id
    body: dict[str, Any] = {
        "id": orphan.id,
        "name": f"Orphan {orphan.id[:8]}",
        "createdTime": iso(orphan.created),
        "providerType": orphan.provider,
        "mediaSizeBytes": orphan.duration_ms * 16,
        "mediaType": orphan.media_type,
        "mediaSubtype": orphan.subtype,
        "fileState": orphan.file_state,
        "recording": recording,
        "orphanStatus": orphan.status,
        "sourceOrphaningId": stable_uuid(orphan.id, "source"),
        "region": orphan.region,
        "selfUri": f"/api/v2/orphanrecordings/{orphan.id}",
    }
    if orphan.recovered is not None:
        body["recoveredTime"] = iso(orphan.recovered)
    return body
