"""Read endpoints: the two lists, recording details (with temporary links) and metadata.

Visibility by role: a compliance officer sees every recording of the org, purged ones too;
an admin every one but purged; a user only their own, never purged. A recording removed by
``DELETE`` is gone for everyone. What a caller may not see is a 404.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandboxes.webex.auth import (
    ADMIN_READ,
    CO_READ,
    COMPLIANCE,
    READ_SCOPES,
    USER,
    USER_READ,
    authorize,
    read_role,
)
from sandboxes.webex.data import PURGED, Recording
from sandboxes.webex.errors import WebexError
from sandboxes.webex.links import temporary_links
from sandboxes.webex.listing import next_page, page, parse_list
from sandboxes.webex.render import metadata_json, recording_json
from sandboxes.webex.state import WebexState, webex_state
from sandboxes.webex.times import request_zone
from sandboxes.webex.wire import json_response

__all__ = ["admin_list", "details", "metadata", "user_list", "visible"]


def visible(state: WebexState, recording_id: str, role: str) -> Recording:
    """The recording `role` may see, or the Webex 404."""
    recording = state.store.by_id.get(recording_id)
    if (
        recording is None
        or recording.gone
        or (recording.status == PURGED and role != COMPLIANCE)
        or (role == USER and recording.owner is not state.store.user)
    ):
        raise WebexError(404)
    return recording


async def _list(request: Request, *, admin: bool) -> Response:
    token = authorize(request, (CO_READ, ADMIN_READ) if admin else (USER_READ,))
    state, zone = webex_state(request), request_zone(request)
    role = read_role(token) if admin else USER
    caller = None if admin else state.store.user
    query = parse_list(request, admin=admin, role=role, caller=caller, zone=zone, now=state.clock())
    items, more = page(state.store.recordings, query)
    headers = {"Link": next_page(request, query, items[-1])} if more else {}
    return json_response({"items": [recording_json(r, zone) for r in items]}, headers=headers)


async def admin_list(request: Request) -> Response:
    """``GET /v1/admin/convergedRecordings``: compliance officer or admin, the whole org."""
    return await _list(request, admin=True)


async def user_list(request: Request) -> Response:
    """``GET /v1/convergedRecordings``: the caller's own recordings."""
    return await _list(request, admin=False)


async def details(request: Request) -> Response:
    """``GET /v1/convergedRecordings/{recordingId}`` with ``temporaryDirectDownloadLinks``."""
    role = read_role(authorize(request, READ_SCOPES))
    state, zone = webex_state(request), request_zone(request)
    recording = visible(state, request.path_params["recordingId"], role)
    body = recording_json(recording, zone)
    links = temporary_links(request, recording, role, state.clock())
    if links is not None:
        body["temporaryDirectDownloadLinks"] = links
    return json_response(body)


async def metadata(request: Request) -> Response:
    """``GET /v1/convergedRecordings/{recordingId}/metadata?showAllTypes=``."""
    role = read_role(authorize(request, READ_SCOPES))
    state = webex_state(request)
    show_all = request.query_params.get("showAllTypes", "false").lower()
    if show_all not in ("true", "false"):
        raise WebexError(400, f"Invalid showAllTypes value: {show_all}.")
    recording = visible(state, request.path_params["recordingId"], role)
    return json_response(metadata_json(recording, state.store, show_all == "true"))
