"""A stored recording as GWS's GET returns it.

The stored document keeps what was POSTed (``mediaDescriptor``, ``fileId``); a GET replaces the
descriptor with ``mediaUri`` (absolute: ``{base}/api/v2/recordings/{id}/play/{fileUuid}.{ext}``)
plus RWS's ``mediaPath`` and ``playPath`` (the same path, relative to ``/api/v2``). Only the
OPS admin also gets ``originalMediaDesc``, the descriptor as posted. Attributes are emitted
under their canonical names only (``dialedPhoneNumber``, ``mediaId``, ``accessgroups``);
anything else a poster sent is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from sandboxes.genesys_engage.media import extension

__all__ = ["play_path", "recording"]

_MEDIA_FIELDS = (
    "startTime",
    "stopTime",
    "callUUID",
    "mediaId",
    "type",
    "duration",
    "size",
    "tenant",
    "ivrprofile",
    "parameters",
    "masks",
    "pkcs7",
    "certAlias",
    "partitions",
    "accessgroups",
)
_CONTACT_FIELDS = ("type", "phoneNumber", "userName", "firstName", "lastName")


def play_path(recording_id: str, media: Mapping[str, Any]) -> str:
    """``/recordings/{id}/play/{fileUuid}.{ext}``, relative to ``/api/v2``."""
    return f"/recordings/{quote(recording_id, safe='')}/play/{media['fileId']}.{extension(media)}"


def _media(recording_id: str, media: Mapping[str, Any], api_root: str, ops: bool) -> dict[str, Any]:
    path = play_path(recording_id, media)
    result: dict[str, Any] = {key: media[key] for key in _MEDIA_FIELDS[:3]}
    result.update(mediaUri=f"{api_root}{path}", mediaPath=path, playPath=path)
    result.update({key: media[key] for key in _MEDIA_FIELDS[3:] if media.get(key) is not None})
    if ops:
        result["originalMediaDesc"] = media["mediaDescriptor"]
    return result


def _event(event: Mapping[str, Any]) -> dict[str, Any]:
    contact = {key: event["contact"][key] for key in _CONTACT_FIELDS if event["contact"].get(key) is not None}
    result: dict[str, Any] = {"occurredAt": event["occurredAt"], "contact": contact, "event": event["event"]}
    if event.get("data"):
        result["data"] = event["data"]
    return result


def recording(document: Mapping[str, Any], api_root: str, *, ops: bool = False) -> dict[str, Any]:
    """The GET view of `document`; `api_root` is the absolute ``.../api/v2`` of the server."""
    recording_id = document["id"]
    return {
        "id": recording_id,
        "callerPhoneNumber": document["callerPhoneNumber"],
        "dialedPhoneNumber": document["dialedPhoneNumber"],
        "startTime": document["startTime"],
        "stopTime": document["stopTime"],
        "mediaFiles": [_media(recording_id, media, api_root, ops) for media in document["mediaFiles"]],
        "eventHistory": [_event(event) for event in document["eventHistory"]],
        "region": document["region"],
    }
