"""The recycle bin: POST softDelete / restore / purge, and the compliance officer's DELETE.

Bulk rules (every success is an empty 204):

- Only an admin (``spark-admin:recordings_write``) or a user (``spark:recordings_write``).
- ``*All: true``: no ``recordingIds``; an admin must name ``ownerEmail``, a user must not.
- ``*All`` false or absent: no ``ownerEmail``; 1 to 100 ``recordingIds``, each visible to the
  caller (404) and in the action's source state (409, "already in that state").

``DELETE /v1/convergedRecordings/{id}`` needs ``spark-compliance:recordings_write`` and a
``reason`` (the compliance officer always acts on someone else's recording); ``comment`` is
at most 255 characters. It purges the recording for everyone, the officer included.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandboxes.webex.auth import CO_WRITE, COMPLIANCE, USER, WRITE_SCOPES, authorize, write_role
from sandboxes.webex.data import AVAILABLE, DELETED, PURGED, Owner, Recording
from sandboxes.webex.errors import WebexError
from sandboxes.webex.payload import json_body, string_list, typed
from sandboxes.webex.recordings import visible
from sandboxes.webex.state import WebexState, webex_state
from sandboxes.webex.wire import no_content

__all__ = ["MAX_IDS", "PURGE", "RESTORE", "SOFT_DELETE", "BulkAction", "bulk_endpoint", "delete", "owner_by_email"]

MAX_IDS = 100
MAX_COMMENT = 255


@dataclasses.dataclass(frozen=True)
class BulkAction:
    """One recycle-bin move: its ``*All`` flag and the states it moves recordings between."""

    all_flag: str
    source: str
    target: str
    conflict: str


SOFT_DELETE = BulkAction("trashAll", AVAILABLE, DELETED, "is already in the recycle bin")
RESTORE = BulkAction("restoreAll", DELETED, AVAILABLE, "is not in the recycle bin")
PURGE = BulkAction("purgeAll", DELETED, PURGED, "is not in the recycle bin")


def _owner(state: WebexState, role: str, email: str | None, flag: str) -> Owner:
    if role == USER:
        if email:
            raise WebexError(400, f"ownerEmail should be empty when {flag} is true and the caller is a user.")
        return state.store.user
    if not email:
        raise WebexError(400, f"ownerEmail should not be empty when {flag} is true and the caller is an administrator.")
    return owner_by_email(state, email)


def owner_by_email(state: WebexState, email: str) -> Owner:
    """The recording owner (person, line, workspace or queue) with `email`, or the Webex 404."""
    owner = state.store.owners_by_email.get(email.strip().lower())
    if owner is None:
        raise WebexError(404, f"No recording owner with email {email}.")
    return owner


def _targets(state: WebexState, role: str, action: BulkAction, body: dict[str, Any]) -> list[Recording]:
    every = typed(body, action.all_flag, bool, False)
    email = typed(body, "ownerEmail", str)
    ids = string_list(body, "recordingIds")
    if every:
        if ids:
            raise WebexError(400, f"recordingIds should be empty when {action.all_flag} is true.")
        owner = _owner(state, role, email, action.all_flag)
        return [r for r in state.store.recordings if r.owner is owner and not r.gone and r.status == action.source]
    if email:
        raise WebexError(400, f"ownerEmail should be empty when {action.all_flag} is false.")
    if not 1 <= len(ids) <= MAX_IDS:
        raise WebexError(400, f"recordingIds should not be empty and its maximum size is {MAX_IDS}.")
    recordings = [visible(state, recording_id, role) for recording_id in dict.fromkeys(ids)]
    for recording in recordings:
        if recording.status != action.source:
            raise WebexError(409, f"Recording {recording.id} {action.conflict}.")
    return recordings


def bulk_endpoint(action: BulkAction) -> Callable[[Request], Awaitable[Response]]:
    """The handler of one ``POST /v1/convergedRecordings/{softDelete,restore,purge}``."""

    async def endpoint(request: Request) -> Response:
        role = write_role(authorize(request, WRITE_SCOPES))
        state = webex_state(request)
        for recording in _targets(state, role, action, await json_body(request)):
            recording.status = action.target
        return no_content()

    return endpoint


async def delete(request: Request) -> Response:
    """``DELETE /v1/convergedRecordings/{recordingId}``: the compliance officer's permanent delete."""
    authorize(request, (CO_WRITE,))
    body = await json_body(request)
    reason, comment = typed(body, "reason", str), typed(body, "comment", str)
    if not reason or not reason.strip():
        raise WebexError(400, "reason is required when a Compliance Officer deletes another user's recording.")
    if comment is not None and len(comment) > MAX_COMMENT:
        raise WebexError(400, f"comment can be a maximum of {MAX_COMMENT} characters long.")
    visible(webex_state(request), request.path_params["recordingId"], COMPLIANCE).gone = True
    return no_content()
