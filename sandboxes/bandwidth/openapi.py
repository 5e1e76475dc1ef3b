"""The OpenAPI 3 document of the Catapult v1 subset this sandbox simulates (``GET /openapi.json``).

It states the limits the handlers enforce: ``page``/``size`` ranges and the per-family rate limit.
"""

from __future__ import annotations

from typing import Any

from sandboxes.bandwidth.data import USER_PATH, State
from sandboxes.bandwidth.paging import DEFAULT_SIZE, MAX_SIZE
from sandboxes.kit import RateLimit
from sandboxes.openapi import rate_limit, ref

__all__ = ["document"]

_JSON = "application/json"


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


def _query_int(name: str, description: str, default: int, minimum: int, maximum: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum, "default": default}
    if maximum is not None:
        schema["maximum"] = maximum
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _json(description: str, schema: dict[str, Any], headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {_JSON: {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    return _json(description, ref("Error"), headers)


def _rate_limited() -> dict[str, Any]:
    reset = {"description": "When the limit clears, in epoch milliseconds", "schema": {"type": "integer"}}
    return _error(
        "Rate limit reached (see `x-ratelimit`); no `message` in the body",
        {"X-RateLimit-Reset": reset},
    )


def _link() -> dict[str, Any]:
    description = 'Absolute `rel="first"` and (except on the last page) `rel="next"` URLs'
    return {"Link": {"description": description, "schema": {"type": "string"}}}


def _operation(
    summary: str,
    operation_id: str,
    ok: dict[str, Any],
    *,
    not_found: str | None = None,
    paged: bool = False,
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok, "401": _error("Bad credentials, or the path names another user")}
    if paged:
        responses["400"] = _error("`page` or `size` is not an integer or out of range (validation-error)")
    if not_found:
        responses["404"] = _error(not_found)
    responses.update({"429": _rate_limited(), "500": _error("Backend error"), "503": _error("Unavailable")})
    operation: dict[str, Any] = {"summary": summary, "operationId": operation_id, "responses": responses}
    if paged:
        operation["parameters"] = [
            _query_int("page", "0-based page number", 0, 0),
            _query_int("size", "Page size", DEFAULT_SIZE, 1, MAX_SIZE),
        ]
    return operation


def _array(name: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(name)}


def _paths() -> dict[str, Any]:
    user = _path_param("userId", "The user id (`u-...`); must be the credentials' user")
    call = _path_param("callId", "Call id (`c-...`)")
    audio = {
        "audio/wav": {"schema": {"type": "string", "format": "binary"}},
        "audio/mpeg": {"schema": {"type": "string", "format": "binary"}},
    }
    return {
        f"{USER_PATH}/recordings": {
            "parameters": [user],
            "get": _operation(
                "List the user's recordings, newest first",
                "listRecordings",
                _json("A page of recordings", _array("Recording"), _link()),
                paged=True,
            ),
        },
        f"{USER_PATH}/recordings/{{recordingId}}": {
            "parameters": [user, _path_param("recordingId", "Recording id (`rec-...`)")],
            "get": _operation(
                "Get a recording",
                "getRecording",
                _json("The recording", ref("Recording")),
                not_found="recording-not-found",
            ),
        },
        f"{USER_PATH}/calls/{{callId}}": {
            "parameters": [user, call],
            "get": _operation("Get a call", "getCall", _json("The call", ref("Call")), not_found="call-not-found"),
        },
        f"{USER_PATH}/calls/{{callId}}/recordings": {
            "parameters": [user, call],
            "get": _operation(
                "List a call's recordings (not paged)",
                "listCallRecordings",
                _json("The call's recordings", _array("Recording")),
                not_found="call-not-found",
            ),
        },
        f"{USER_PATH}/media": {
            "parameters": [user],
            "get": _operation(
                "List the user's media files (complete recordings)",
                "listMedia",
                _json("A page of media files", _array("Media"), _link()),
                paged=True,
            ),
        },
        f"{USER_PATH}/media/{{mediaName}}": {
            "parameters": [user, _path_param("mediaName", "`{callId}-{n}.wav` or `.mp3`")],
            "get": _operation(
                "Download a media file (full body; Range is ignored)",
                "downloadMedia",
                {
                    "description": "The file",
                    "content": audio,
                    "headers": {"Content-Length": {"schema": {"type": "integer"}}},
                },
                not_found="media-not-found (also while the recording is recording/saving, or in error)",
            ),
        },
    }


def _schemas() -> dict[str, Any]:
    text, stamp = {"type": "string"}, {"type": "string", "format": "date-time"}
    url = {"type": "string", "format": "uri"}
    return {
        "Recording": {
            "type": "object",
            "required": ["id", "startTime", "call", "media", "state"],
            "properties": {
                "id": text,
                "startTime": stamp,
                "endTime": {**stamp, "description": "Absent while the state is `recording`"},
                "call": url,
                "media": url,
                "state": {"type": "string", "enum": [str(state) for state in State]},
            },
        },
        "Call": {
            "type": "object",
            "required": ["id", "direction", "from", "to", "state", "startTime"],
            "properties": {
                "id": text,
                "direction": {"type": "string", "enum": ["in", "out"]},
                "from": text,
                "to": text,
                "state": {"type": "string", "enum": ["started", "rejected", "active", "completed", "transferring"]},
                "startTime": stamp,
                "activeTime": stamp,
                "endTime": stamp,
                "chargeableDuration": {"type": "integer", "description": "Seconds, billed by the minute"},
                "recordingEnabled": {"type": "boolean"},
                "recordingFileFormat": {"type": "string", "enum": ["wav", "mp3"]},
                "recordings": url,
                "events": url,
                "transcriptions": url,
                "transcriptionEnabled": {"type": "boolean"},
            },
        },
        "Media": {
            "type": "object",
            "required": ["mediaName", "contentLength", "content"],
            "properties": {"mediaName": text, "contentLength": {"type": "integer"}, "content": url},
        },
        "Error": {
            "type": "object",
            "required": ["category", "code"],
            "properties": {
                "category": text,
                "code": text,
                "message": text,
                "details": {"type": "array", "items": {"type": "object", "properties": {"name": text, "value": text}}},
            },
        },
    }


def document(limit: RateLimit) -> dict[str, Any]:
    """The OpenAPI document of a sandbox stating `limit` per token and resource family."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Bandwidth Catapult v1 recordings (sandbox)", "version": "v1"},
        **rate_limit(limit, "API token and resource family (recordings, calls, media)"),
        "servers": [{"url": "https://api.catapult.inetwork.com"}],
        "security": [{"basic": []}],
        "components": {
            "securitySchemes": {
                "basic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "username = API token, password = API secret",
                }
            },
            "schemas": _schemas(),
        },
        "paths": _paths(),
    }
