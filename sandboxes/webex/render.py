"""Converged recordings as Webex sends them: list items, details, and metadata."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Any

from sandboxes.webex.data import Owner, Recording, Store
from sandboxes.webex.times import format_time

__all__ = ["metadata_json", "recording_json"]

# Metadata spells actor and owner types in capitals ("USER" in the published example);
# the other three spellings are assumed.
_META_TYPES = {"user": "USER", "place": "PLACE", "virtualLine": "VIRTUAL_LINE", "callQueue": "CALL_QUEUE"}
_METADATA_VERSION = "1.2"


def recording_json(recording: Recording, zone: tzinfo) -> dict[str, Any]:
    """A recording object of the lists and of the details call (without its links)."""
    owner = recording.owner
    return {
        "id": recording.id,
        "topic": recording.topic,
        "createTime": format_time(recording.create, zone),
        "timeRecorded": format_time(recording.recorded, zone),
        "ownerId": owner.uuid,
        "ownerType": owner.kind,
        "ownerEmail": owner.email,
        "format": "MP3",
        "durationSeconds": recording.duration_s,
        "sizeBytes": recording.size_bytes,
        "serviceType": recording.service_type,
        "storageRegion": owner.location.region,
        "status": recording.status,
        "serviceData": {"locationId": owner.location.uuid, "callSessionId": recording.call.conversation_id},
    }


def _actor(owner: Owner) -> dict[str, str]:
    return {"type": _META_TYPES[owner.kind], "id": owner.uuid, "email": owner.email}


def _party(owner: Owner | None, number: str) -> dict[str, Any]:
    if owner is None:
        return {"number": number}
    return {"actor": _actor(owner), "name": owner.name, "number": number}


def _activity(recording: Recording, parties: list[dict[str, Any]], show_all: bool) -> dict[str, Any]:
    activity: dict[str, Any] = {"timeStamp": format_time(recording.recorded, UTC)}
    if show_all:
        stream = f"{recording.id[:8]}-0000-4000-8000-{recording.id[20:32]}"
        activity["mediaStreams"] = [{"streamId": stream, "mode": "mixed", "mLineIndex": "0"}]
        activity["participants"] = [
            {**({"actor": party["actor"]} if "actor" in party else {}), "aor": f"sip:{party['number']}", "send": stream}
            for party in parties
        ]
    return activity


def metadata_json(recording: Recording, store: Store, show_all: bool) -> dict[str, Any]:
    """The ``/metadata`` document; `show_all` adds call-activity streams and participants."""
    owner, call = recording.owner, recording.call
    agent = store.owners_by_email[call.agent.email]
    customer = store.owners_by_email[call.customer.email] if call.customer else None
    calling, called = _party(customer, call.caller), _party(agent if owner.kind == "callQueue" else owner, call.dialed)
    service_data: dict[str, Any] = {
        "callRecordingId": recording.id,
        "locationId": owner.location.uuid,
        "callSessionId": call.conversation_id,
        "personality": "terminator",
        "callingParty": calling,
        "calledParty": called,
        "callId": f"callhalf-{int(recording.id[:6], 16)}:0",
        "sipCallId": f"{recording.id[8:24]}@sandbox.webex.com",
        "session": {
            "startTime": format_time(recording.recorded, UTC),
            "stopTime": format_time(call.end.timestamp(), UTC),
        },
        "recordingType": "alwaysON",
        "callActivity": [_activity(recording, [calling, called], show_all)],
    }
    if owner.kind == "callQueue":
        service_data["managedBy"] = _party(owner, call.dialed)
        service_data["connectedParty"] = _party(agent, agent.person.phone if agent.person else call.dialed)
    return {
        "id": recording.id,
        "orgId": store.org_uuid,
        "ownerId": owner.uuid,
        "ownerType": _META_TYPES[owner.kind],
        "ownerName": owner.name,
        "ownerEmail": owner.email,
        "storageRegion": owner.location.region,
        "serviceType": recording.service_type,
        "version": _METADATA_VERSION,
        "serviceData": service_data,
    }
