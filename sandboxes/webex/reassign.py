"""``POST /v1/convergedRecordings/reassign``: an admin gives recordings to another org user.

The rules of the published spec (success is an empty 204):

- Only an admin (``spark-admin:recordings_write``); a compliance officer or a user gets 403.
- ``reassignOwnerEmail`` is required and must be an org user (a person, not a virtual line,
  workspace or queue): 400 when missing, 404 when no owner has it, 400 for a non-person.
- ``ownerEmail``, ``ownerID`` (a user, virtual line or workspace) or ``recordingIds`` (at
  most 100, assumed as for the recycle bin): at least one, else 400. An unknown owner or
  recording id is a 404.
- With ``recordingIds``, only those move, and with an owner too only those of that owner;
  without them, every recording of the owner moves. ``ownerEmail`` wins over ``ownerID``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandboxes.webex.auth import ADMIN, ADMIN_WRITE, authorize
from sandboxes.webex.data import PURGED, Owner, Recording
from sandboxes.webex.errors import WebexError
from sandboxes.webex.ids import decode_id
from sandboxes.webex.lifecycle import MAX_IDS, owner_by_email
from sandboxes.webex.payload import json_body, string_list, typed
from sandboxes.webex.recordings import visible
from sandboxes.webex.state import WebexState, webex_state
from sandboxes.webex.wire import no_content

__all__ = ["reassign"]


def _new_owner(state: WebexState, body: dict[str, Any]) -> Owner:
    email = typed(body, "reassignOwnerEmail", str)
    if not email or not email.strip():
        raise WebexError(400, "reassignOwnerEmail is required.")
    owner = owner_by_email(state, email)
    if owner.kind != "user":
        raise WebexError(400, f"{email} is not an org user; recordings can only be reassigned to a user.")
    return owner


def _current_owner(state: WebexState, body: dict[str, Any]) -> Owner | None:
    email, owner_id = typed(body, "ownerEmail", str), typed(body, "ownerID", str)
    if email:
        return owner_by_email(state, email)
    if owner_id:
        # A bare UUID as in the spec's example; a base64 person id names the same person (assumed).
        wanted = decode_id("PEOPLE", owner_id) or owner_id
        found = next((owner for owner in state.store.owners_by_email.values() if owner.uuid == wanted), None)
        if found is None:
            raise WebexError(404, f"No recording owner with id {owner_id}.")
        return found
    return None


def _moving(state: WebexState, body: dict[str, Any]) -> list[Recording]:
    owner, ids = _current_owner(state, body), string_list(body, "recordingIds")
    if len(ids) > MAX_IDS:
        raise WebexError(400, f"recordingIds can hold at most {MAX_IDS} ids.")
    if ids:
        chosen = [visible(state, recording_id, ADMIN) for recording_id in dict.fromkeys(ids)]
        return [recording for recording in chosen if owner is None or recording.owner is owner]
    if owner is None:
        raise WebexError(400, "Either ownerEmail, ownerID or recordingIds must be provided.")
    return [r for r in state.store.recordings if r.owner is owner and not r.gone and r.status != PURGED]


async def reassign(request: Request) -> Response:
    """Give the chosen recordings to ``reassignOwnerEmail``."""
    authorize(request, (ADMIN_WRITE,))
    state, body = webex_state(request), await json_body(request)
    target = _new_owner(state, body)
    for recording in _moving(state, body):
        recording.owner = target
    return no_content()
