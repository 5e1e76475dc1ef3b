"""The OpenAPI 3 document of the simulated API, served at ``GET /openapi.json``.

It states the limits the handlers enforce, from their own constants: ``max`` ranges, id-list
lengths, required body fields, the temporary links' lifetime and the assumed rate limit.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandboxes.openapi import LIFETIME, integer, obj, rate_limit, ref
from sandboxes.webex import lifecycle, listing, people
from sandboxes.webex.errors import STATED_LIMIT
from sandboxes.webex.links import LINK_LIFETIME_S
from sandboxes.webex.listing import OWNER_TYPES, SERVICE_TYPES, STORAGE_REGIONS
from sandboxes.webex.wire import JSON_TYPE, json_response

__all__ = ["openapi", "openapi_document"]

_ERRORS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
}


def _str(*enum: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(enum)} if enum else {"type": "string"}


def _param(
    name: str, where: str, schema: dict[str, Any], description: str = "", required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
    }


def _op(
    summary: str, scopes: str, params: list[dict[str, Any]], ok: dict[str, Any], body: str | None = None
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        str(code): {"description": text, "content": {JSON_TYPE: {"schema": ref("Error")}}}
        for code, text in _ERRORS.items()
    }
    responses.update(ok)
    operation: dict[str, Any] = {
        "summary": summary,
        "description": f"Scopes: {scopes}.",
        "parameters": params,
        "responses": responses,
    }
    if body:
        operation["requestBody"] = {"content": {"application/json": {"schema": ref(body)}}}
    return operation


def _json_ok(schema: dict[str, Any], link: bool = False) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK", "content": {JSON_TYPE: {"schema": schema}}}
    if link:
        ok["headers"] = {
            "Link": {"description": 'RFC 5988 `<url>; rel="next"` while more pages remain', "schema": _str()}
        }
    return {"200": ok}


def _no_content() -> dict[str, Any]:
    return {"204": {"description": "No Content"}}


def _timezone() -> dict[str, Any]:
    return _param("timezone", "header", _str(), "IANA zone of reply timestamps (default UTC); also read from the query")


def _recording_id() -> dict[str, Any]:
    return _param("recordingId", "path", _str())


def _list_params(admin: bool) -> list[dict[str, Any]]:
    statuses = ("available", "deleted", "purged") if admin else ("available", "deleted")
    params = [
        _param("max", "query", integer(1, listing.MAX_MAX, listing.DEFAULT_MAX)),
        _param("from", "query", _str(), "ISO 8601, inclusive; default `to` minus 7 days"),
        _param("to", "query", _str(), "ISO 8601, exclusive; default `from` plus 7 days, or now"),
        _param("status", "query", _str(*statuses)),
        _param("serviceType", "query", _str(*SERVICE_TYPES)),
        _param("format", "query", _str("MP3")),
        _param("ownerType", "query", _str(*OWNER_TYPES)),
        _param("storageRegion", "query", _str(*STORAGE_REGIONS)),
        _param("locationId", "query", _str()),
        _param("topic", "query", _str(), "case-insensitive"),
        _param("cursor", "query", _str(), "opaque; only as found in a `Link` header"),
        _timezone(),
    ]
    if admin:
        params[7:7] = [_param("ownerId", "query", _str()), _param("ownerEmail", "query", _str())]
    return params


def _schemas() -> dict[str, Any]:
    party = obj({"actor": obj({"type": _str(), "id": _str(), "email": _str()}), "name": _str(), "number": _str()})
    recording = obj(
        {
            "id": _str(),
            "topic": _str(),
            "createTime": _str(),
            "timeRecorded": _str(),
            "ownerId": _str(),
            "ownerType": _str(*OWNER_TYPES),
            "ownerEmail": _str(),
            "format": _str("MP3"),
            "durationSeconds": {"type": "integer"},
            "sizeBytes": {"type": "integer"},
            "serviceType": _str(*SERVICE_TYPES),
            "storageRegion": _str(*STORAGE_REGIONS),
            "status": _str("available", "deleted", "purged"),
            "serviceData": obj({"locationId": _str(), "callSessionId": _str()}),
        },
        (
            "id",
            "topic",
            "createTime",
            "timeRecorded",
            "format",
            "serviceType",
            "durationSeconds",
            "sizeBytes",
            "status",
            "ownerId",
            "ownerEmail",
            "ownerType",
            "storageRegion",
        ),
    )
    links = obj(
        {
            name: _str()
            for name in (
                "audioDownloadLink",
                "transcriptDownloadLink",
                "suggestedNotesDownloadLink",
                "shortNotesDownloadLink",
                "actionItemsDownloadLink",
                "expiration",
            )
        }
    ) | {"description": "Pre-signed links, dead after their lifetime", LIFETIME: LINK_LIFETIME_S}
    ids = {"type": "array", "items": _str(), "maxItems": lifecycle.MAX_IDS}
    bulk = {
        flag: obj({flag: {"type": "boolean"}, "ownerEmail": _str(), "recordingIds": ids})
        for flag in ("trashAll", "restoreAll", "purgeAll")
    }
    return {
        "Error": obj(
            {
                "message": _str(),
                "errors": {"type": "array", "items": obj({"description": _str()})},
                "trackingId": _str(),
            },
            ("message", "trackingId"),
        ),
        "Recording": recording,
        "RecordingList": obj({"items": {"type": "array", "items": ref("Recording")}}, ("items",)),
        "RecordingWithLinks": {"allOf": [ref("Recording"), obj({"temporaryDirectDownloadLinks": links})]},
        "RecordingMetadata": obj(
            {
                "id": _str(),
                "orgId": _str(),
                "ownerId": _str(),
                "ownerType": _str(),
                "ownerName": _str(),
                "ownerEmail": _str(),
                "storageRegion": _str(),
                "serviceType": _str(),
                "version": _str(),
                "serviceData": obj(
                    {
                        "callRecordingId": _str(),
                        "locationId": _str(),
                        "callSessionId": _str(),
                        "personality": _str(),
                        "callingParty": party,
                        "calledParty": party,
                        "managedBy": party,
                        "connectedParty": party,
                        "callId": _str(),
                        "sipCallId": _str(),
                        "session": obj({"startTime": _str(), "stopTime": _str()}),
                        "recordingType": _str(),
                        "callActivity": {"type": "array", "items": obj({"timeStamp": _str()})},
                    }
                ),
            }
        ),
        "SoftDelete": bulk["trashAll"],
        "Restore": bulk["restoreAll"],
        "Purge": bulk["purgeAll"],
        "DeleteRecording": obj(
            {"reason": _str(), "comment": {"type": "string", "maxLength": lifecycle.MAX_COMMENT}}, ("reason",)
        ),
        "ReassignRecording": obj(
            {"ownerEmail": _str(), "ownerID": _str(), "recordingIds": ids, "reassignOwnerEmail": _str()},
            ("reassignOwnerEmail",),
        ),
        "Person": obj(
            {
                "id": _str(),
                "emails": {"type": "array", "items": _str()},
                "phoneNumbers": {
                    "type": "array",
                    "items": obj({"type": _str(), "value": _str(), "primary": {"type": "boolean"}}),
                },
                "displayName": _str(),
                "nickName": _str(),
                "firstName": _str(),
                "lastName": _str(),
                "orgId": _str(),
                "created": _str(),
                "lastModified": _str(),
                "type": _str("person", "bot", "appuser"),
            }
        ),
        "PersonList": obj({"items": {"type": "array", "items": ref("Person")}}, ("items",)),
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.0 description of every simulated endpoint."""
    read = "spark-compliance:recordings_read | spark-admin:recordings_read | spark:recordings_read"
    person_ids = {"type": "array", "items": _str(), "maxItems": people.MAX_IDS}
    write = "spark-admin:recordings_write | spark:recordings_write"
    bulk_ops = {
        "softDelete": ("Move Recordings into the Recycle Bin", "SoftDelete"),
        "restore": ("Restore Recordings from Recycle Bin", "Restore"),
        "purge": ("Purge Recordings from Recycle Bin", "Purge"),
    }
    paths: dict[str, Any] = {
        "/v1/admin/convergedRecordings": {
            "get": _op(
                "List Recordings for Admin or Compliance officer",
                "spark-compliance:recordings_read | spark-admin:recordings_read",
                _list_params(True),
                _json_ok(ref("RecordingList"), link=True),
            )
        },
        "/v1/convergedRecordings": {
            "get": _op(
                "List Recordings",
                "spark:recordings_read",
                _list_params(False),
                _json_ok(ref("RecordingList"), link=True),
            )
        },
        "/v1/convergedRecordings/{recordingId}": {
            "get": _op(
                "Get Recording Details", read, [_recording_id(), _timezone()], _json_ok(ref("RecordingWithLinks"))
            ),
            "delete": _op(
                "Delete a Recording",
                "spark-compliance:recordings_write",
                [_recording_id()],
                _no_content(),
                "DeleteRecording",
            ),
        },
        "/v1/convergedRecordings/{recordingId}/metadata": {
            "get": _op(
                "Get Recording metadata",
                read,
                [_recording_id(), _param("showAllTypes", "query", {"type": "boolean", "default": False})],
                _json_ok(ref("RecordingMetadata")),
            )
        },
        **{
            f"/v1/convergedRecordings/{name}": {"post": _op(summary, write, [], _no_content(), body)}
            for name, (summary, body) in bulk_ops.items()
        },
        "/v1/convergedRecordings/reassign": {
            "post": _op("Reassign Recordings", "spark-admin:recordings_write", [], _no_content(), "ReassignRecording")
        },
        "/v1/people": {
            "get": _op(
                "List People",
                "spark:people_read",
                [
                    _param("id", "query", person_ids, "comma-separated person ids") | {"explode": False},
                    _param("email", "query", _str()),
                    _param("displayName", "query", _str()),
                    _param("max", "query", integer(1, people.MAX_MAX, people.DEFAULT_MAX)),
                ],
                _json_ok(ref("PersonList"), link=True),
            )
        },
        "/v1/people/me": {
            "get": _op("Get My Own Details", "spark:people_read", [], _json_ok(ref("Person"))),
        },
        "/v1/people/{personId}": {
            "get": _op(
                "Get Person Details",
                "spark:people_read",
                [_param("personId", "path", _str())],
                _json_ok(ref("Person")),
            )
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Webex converged recordings (sandbox)", "version": "1.0.0"},
        **rate_limit(STATED_LIMIT, "access token (assumed: Webex publishes no numbers)"),
        "components": {"schemas": _schemas(), "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": paths,
    }


async def openapi(request: Request) -> Response:
    """``GET /openapi.json``."""
    return json_response(openapi_document())
