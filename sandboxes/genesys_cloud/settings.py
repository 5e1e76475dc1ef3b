"""Organization recording settings and screen recording sessions (listed, counted, stopped)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .errors import bad_request, not_found
from .listing import entity_listing, page_of
from .params import bool_param, json_body, parse_datetime
from .routing import api, empty, ok
from .store import Store

__all__ = ["SETTING_RANGES", "settings_routes"]

_SESSIONS_PATH = "/api/v2/recordings/screensessions"
# field -> (type, lowest, highest); the URL lifetimes are minutes.
SETTING_RANGES: Mapping[str, tuple[type, int, int]] = {
    "maxSimultaneousStreams": (int, 0, 100),
    "maxConfigurableScreenRecordingStreams": (int, 0, 100),
    "recordingPlaybackUrlTtl": (int, 2, 60),
    "recordingBatchDownloadUrlTtl": (int, 2, 60),
    "regionalRecordingStorageEnabled": (bool, 0, 1),
    "stopRecordingWhenOnlyExternalParticipants": (bool, 0, 1),
}


async def get_settings(request: Request, store: Store) -> Response:
    bool_param(request, "createDefault")
    return ok(store.settings)


async def put_settings(request: Request, store: Store) -> Response:
    """Validate every known field first, then apply; unknown fields are ignored."""
    body = await json_body(request)
    changes = {}
    for field, (kind, low, high) in SETTING_RANGES.items():
        if field not in body:
            continue
        value = body[field]
        valid = (
            isinstance(value, bool)
            if kind is bool
            else isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        )
        if not valid:
            raise bad_request(f"Value [{value}] is not valid for field [{field}].", "invalid.value")
        changes[field] = value
    store.settings.update(changes)
    return ok(store.settings)


async def list_sessions(request: Request, store: Store) -> Response:
    page = page_of(request)
    return ok(entity_listing(list(store.screen_sessions.values()), page, _SESSIONS_PATH, dict))


async def session_details(request: Request, store: Store) -> Response:
    """``ScreenRecordingActiveSessions``: how many screen recordings are running right now."""
    return ok({"count": len(store.screen_sessions)})


async def patch_session(request: Request, store: Store) -> Response:
    """``ScreenRecordingSessionRequest``: ``state: STOPPED`` ends the session (204)."""
    session_id = request.path_params["recordingSessionId"]
    if session_id not in store.screen_sessions:
        raise not_found(f"Screen recording session {session_id} was not found.")
    body = await json_body(request, required=False)
    state = body.get("state")
    if state is not None and state != "STOPPED":
        raise bad_request(
            f"Value [{state}] is not valid for field [state]. Allowable values are: STOPPED", "invalid.value"
        )
    for field in ("archiveDate", "deleteDate"):
        if body.get(field) is not None:
            parse_datetime(body[field], field)
    if state == "STOPPED":
        del store.screen_sessions[session_id]
    return empty()


def settings_routes() -> list[Route]:
    return [
        api("/recording/settings", get_settings, "GET"),
        api("/recording/settings", put_settings, "PUT"),
        api("/recordings/screensessions", list_sessions, "GET"),
        api("/recordings/screensessions/details", session_details, "GET"),
        api("/recordings/screensessions/{recordingSessionId}", patch_session, "PATCH"),
    ]
