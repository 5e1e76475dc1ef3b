"""The OpenAPI 3 document of the simulated API, served at ``GET /openapi.json``.

It states the limits the handlers enforce: ``offset``/``limit`` ranges and required fields.
GWS publishes no rate limit and the sandbox states none (no ``x-ratelimit``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gateway.store.engage import MAX_LIMIT
from sandboxes.genesys_engage.errors import CODES
from sandboxes.genesys_engage.listing import MAX_OFFSET, SEARCH_PARAMETERS
from sandboxes.genesys_engage.state import VERSION
from sandboxes.genesys_engage.wire import API_ROOT, JSON_TYPE, json_response
from sandboxes.openapi import integer, obj, ref

__all__ = ["openapi", "openapi_document"]

_SEARCH_DESCRIPTIONS = {
    "callerPhoneNumber": "Caller number, exact; `*` matches any run of characters; case-sensitive.",
    "dialedPhoneNumber": "Dialed number, exact; `*` matches any run of characters; case-sensitive.",
    "startTime": "Recordings that started at or after this time (ISO 8601, or epoch milliseconds).",
    "endTime": "Recordings that ended at or before this time (ISO 8601, or epoch milliseconds).",
    "userName": "Terms matched against contacts' userName/firstName/lastName (`*` wildcards, case-insensitive); "
    "any term matches, or every term when joined with `AND`.",
    "userData": "Terms matched against the values of events' `data` maps (`*` wildcards); any term matches.",
}


def _strings(*names: str) -> dict[str, Any]:
    return {name: {"type": "string"} for name in names}


def _param(name: str, where: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON_TYPE: {"schema": schema}}}


def _op(
    summary: str,
    role: str,
    params: list[dict[str, Any]],
    ok: dict[str, Any],
    errors: tuple[int, ...],
    *,
    body: dict[str, Any] | None = None,
    write: bool = False,
) -> dict[str, Any]:
    responses = {"200": ok}
    for code in sorted({CODES[c][0] for c in errors}):
        responses[str(code)] = _json(ref("Error"), ", ".join(f"statusCode {c}" for c in errors if CODES[c][0] == code))
    operation: dict[str, Any] = {
        "summary": summary,
        "description": f"Requires {role}."
        + (" With CSRF on, needs X-CSRF-TOKEN and the JSESSIONID cookie." if write else ""),
        "parameters": params,
        "responses": responses,
        "security": [{"basic": []}],
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


def _schemas() -> dict[str, Any]:
    descriptor = obj(
        {
            "storage": {"type": "string", "enum": ["awsS3", "webDAV"]},
            "path": {"type": "string"},
            "storage_version": {"type": "string"},
            "auth": {"type": "object"},
            "data": {"type": "object", "description": "awsS3: {bucket}"},
        },
        ("storage", "path"),
    )
    media_common = {
        **_strings(
            "startTime", "stopTime", "callUUID", "mediaId", "type", "duration", "size", "tenant", "ivrprofile", "pkcs7"
        ),
        "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
        "masks": {
            "type": "array",
            "items": obj({"time": {"type": "string"}, "type": {"type": "string", "enum": ["paused", "resume"]}}),
        },
        **{
            name: {"type": "array", "items": {"type": "string"}} for name in ("certAlias", "partitions", "accessgroups")
        },
    }
    contact = obj(
        {
            **_strings("phoneNumber", "userName", "firstName", "lastName"),
            "type": {"type": "string", "enum": ["External", "User"]},
        },
        ("type", "phoneNumber"),
    )
    event = obj(
        {
            "occurredAt": {"type": "string"},
            "contact": ref("Contact"),
            "event": {"type": "string", "enum": ["Joined", "Left"]},
            "data": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        ("occurredAt", "contact", "event"),
    )
    media = obj(
        {
            **media_common,
            **_strings("mediaUri", "mediaPath", "playPath"),
            "originalMediaDesc": {**ref("MediaDescriptor"), "description": "OPS admin only"},
        },
        ("startTime", "stopTime", "callUUID", "mediaUri"),
    )
    posted_media = obj(
        {**media_common, "mediaDescriptor": ref("MediaDescriptor")},
        ("startTime", "stopTime", "callUUID", "mediaDescriptor"),
    )
    top = ("id", "callerPhoneNumber", "dialedPhoneNumber", "region")
    recording = obj(
        {
            **_strings(*top, "startTime", "stopTime"),
            "mediaFiles": {"type": "array", "items": media},
            "eventHistory": {"type": "array", "items": ref("Event")},
        },
        (*top, "startTime", "stopTime"),
    )
    posted = obj(
        {
            **_strings(*top),
            "mediaFiles": {"type": "array", "items": posted_media, "minItems": 1},
            "eventHistory": {"type": "array", "items": ref("Event"), "minItems": 1},
        },
        (*top, "mediaFiles", "eventHistory"),
    )
    failure = obj(
        {
            "id": {"type": "string"},
            "mediaDescriptor": ref("MediaDescriptor"),
            "statusCode": {"type": "integer"},
            "statusMessage": {"type": "string"},
        }
    )
    return {
        "Error": obj(
            {
                "statusCode": {"type": "integer", "enum": [c for c in CODES if c not in (0, 7)]},
                "statusMessage": {"type": "string"},
            },
            ("statusCode", "statusMessage"),
        ),
        "Ok": obj({"statusCode": {"type": "integer", "enum": [0]}}, ("statusCode",)),
        "PartialSuccess": obj(
            {"statusCode": {"type": "integer", "enum": [7]}, "failed": {"type": "array", "items": failure}},
            ("statusCode", "failed"),
        ),
        "MediaDescriptor": descriptor,
        "Contact": contact,
        "Event": event,
        "Recording": recording,
        "PostedRecording": posted,
        "RecordingPage": obj(
            {
                "statusCode": {"type": "integer"},
                "recordings": {"type": "array", "items": ref("Recording")},
                **_strings("prevUri", "nextUri"),
            },
            ("statusCode", "recordings"),
        ),
        "RecordingEnvelope": obj(
            {"statusCode": {"type": "integer"}, "recording": ref("Recording")}, ("statusCode", "recording")
        ),
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.0 description of every simulated endpoint (auth, envelope, models)."""
    query = [_param(name, "query", _SEARCH_DESCRIPTIONS[name]) for name in SEARCH_PARAMETERS]
    query += [
        _param("offset", "query", "Index of the first result.", integer(0, MAX_OFFSET, 0, int_format="int64")),
        _param("limit", "query", "Page size.", integer(1, MAX_LIMIT, MAX_LIMIT)),
    ]
    rec_id = _param("recordingId", "path", "The recording id (the CallUUID).")
    cc_id = _param("contactCenterId", "path", "The contact center id.")
    file_name = _param("fileName", "path", "`{fileUuid}.{ext}` as in mediaUri.")
    page, one, ok = ref("RecordingPage"), ref("RecordingEnvelope"), _json(ref("Ok"), "Done")
    admin, ops_admin = "a Contact Center Admin", "the OPS admin"
    read_errors = (20, 5, 6)
    ops_base = f"{API_ROOT}/ops/contact-centers/{{contactCenterId}}/recordings"
    audio = {
        "description": "The media bytes",
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ("audio/mp3", "audio/wav")},
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Genesys Engage Web Services: recording access (sandbox)",
            "version": VERSION,
            "description": "GWS publishes no rate limit: the sandbox enforces none unless its knob sets one.",
        },
        "paths": {
            f"{API_ROOT}/diagnostics/version": {
                "get": {
                    "summary": "Server version (no authentication)",
                    "responses": {
                        "200": _json(
                            obj({"statusCode": {"type": "integer"}, "version": {"type": "string"}}), "The version"
                        )
                    },
                }
            },
            f"{API_ROOT}/me": {
                "get": _op("The current user", "any user", [], _json({"type": "object"}, "user"), (20,))
            },
            f"{API_ROOT}/recordings": {
                "get": _op(
                    "Query recordings (a search parameter is required)",
                    admin,
                    query,
                    _json(page, "A page"),
                    (1, 2, 10, 20, 5),
                ),
                "post": _op("Refused: recordings are created through the ops URI", admin, [], ok, (20, 5)),
            },
            f"{API_ROOT}/recordings/{{recordingId}}": {
                "get": _op("One recording", admin, [rec_id], _json(one, "The recording"), read_errors),
                "delete": _op("Refused: recordings are deleted through the ops URI", admin, [rec_id], ok, (20, 5)),
            },
            f"{API_ROOT}/recordings/{{recordingId}}/play/{{fileName}}": {
                "get": _op("Play one media file (whole body, no Range)", admin, [rec_id, file_name], audio, read_errors)
            },
            ops_base: {
                "get": _op(
                    "Query recordings, with originalMediaDesc",
                    ops_admin,
                    [cc_id, *query],
                    _json(page, "A page"),
                    (1, 2, 10, 20, 5, 6),
                ),
                "post": _op(
                    "Create a recording, or merge a re-POST into it",
                    ops_admin,
                    [cc_id],
                    ok,
                    (1, 2, 3, 20, 5, 6),
                    body=ref("PostedRecording"),
                    write=True,
                ),
            },
            f"{ops_base}/{{recordingId}}": {
                "get": _op(
                    "One recording, with originalMediaDesc",
                    ops_admin,
                    [cc_id, rec_id],
                    _json(one, "The recording"),
                    read_errors,
                ),
                "delete": _op(
                    "Delete a recording; subresources=* also deletes its media",
                    ops_admin,
                    [cc_id, rec_id, _param("subresources", "query", "`*` to delete the media too")],
                    _json({"oneOf": [ref("Ok"), ref("PartialSuccess")]}, "Deleted (7: partially)"),
                    (3, 20, 5, 6),
                    write=True,
                ),
            },
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}},
        },
    }


async def openapi(request: Request) -> Response:
    return json_response(openapi_document())
