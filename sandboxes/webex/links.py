"""Temporary direct-download links: issued by the details call, pre-signed, dead after 3 hours.

The audio and transcript links imitate the NBR servlet
(``/nbr/MultiThreadDownloadServlet?type=calling&orgId=&recordUUID=&ticket=&timestamp=``) and
need no bearer token (assumed); the ticket is an HMAC of file, recording and issue time. The
AI-notes links (``/wbxaibridge/api/v2/{notes,shortNotes,actionItems}/...``) go to users only
and need the owner's access token, as the spec says. A bad ticket gets 403, an expired one
410 (both assumed), each with the Webex error body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from sandboxes.body import body_response
from sandboxes.mp3 import Mp3
from sandboxes.webex.auth import ADMIN, READ_SCOPES, USER, authorize, read_role
from sandboxes.webex.data import PURGED, Recording
from sandboxes.webex.errors import WebexError
from sandboxes.webex.state import WebexState, webex_state
from sandboxes.webex.times import format_time

__all__ = ["LINK_LIFETIME_S", "download", "notes", "temporary_links"]

LINK_LIFETIME_S = 3 * 3600
# AI-notes kind -> (link field in the details, title of the served page)
_NOTES = {
    "notes": ("suggestedNotesDownloadLink", "Suggested notes"),
    "shortNotes": ("shortNotesDownloadLink", "Short notes"),
    "actionItems": ("actionItemsDownloadLink", "Action items"),
}


def _sign(state: WebexState, *parts: object) -> str:
    digest = hmac.new(state.secret, "|".join(map(str, parts)).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest[:24]).decode()


def temporary_links(request: Request, recording: Recording, role: str, now: datetime) -> dict[str, Any] | None:
    """The ``temporaryDirectDownloadLinks`` object for `role`, or None where Webex withholds it."""
    if role == ADMIN or recording.status == PURGED:
        return None
    state, stamp = webex_state(request), int(now.timestamp() * 1000)
    root = str(request.base_url).rstrip("/")
    servlet = {"type": "calling", "orgId": state.store.org_uuid, "recordUUID": recording.id}
    links: dict[str, Any] = {}
    for file_type, name in (("audio", "audioDownloadLink"), ("transcript", "transcriptDownloadLink")):
        query = {**servlet, **({"fileType": file_type} if file_type != "audio" else {})}
        query |= {"ticket": _sign(state, file_type, recording.id, stamp), "timestamp": str(stamp)}
        links[name] = f"{root}/nbr/MultiThreadDownloadServlet?{urlencode(query)}"
    if role == USER:
        for kind, (name, _) in _NOTES.items():
            token = f"{stamp}.{_sign(state, kind, recording.id, stamp)}"
            note_query = {"contentType": "html", "resourceType": "CallingRecording", "resourceId": recording.id}
            links[name] = f"{root}/wbxaibridge/api/v2/{kind}/{recording.id}?{urlencode(note_query | {'token': token})}"
    links["expiration"] = format_time(stamp / 1000 + LINK_LIFETIME_S, UTC)
    return links


def _check(state: WebexState, ticket: str, stamp: str, *parts: object) -> None:
    if not stamp.isdigit() or not hmac.compare_digest(ticket, _sign(state, *parts, int(stamp))):
        raise WebexError(403, "The download ticket is invalid.")
    if state.clock().timestamp() > int(stamp) / 1000 + LINK_LIFETIME_S:
        raise WebexError(410, "The download link has expired.")


def _recording(state: WebexState, recording_id: str) -> Recording:
    recording = state.store.by_id.get(recording_id)
    if recording is None or recording.gone or recording.status == PURGED:
        raise WebexError(404)
    return recording


def _transcript(recording: Recording) -> str:
    call = recording.call
    caller = call.customer.name if call.customer else call.caller
    lines = [f"Thank you for calling, this is {call.agent.first_name}.", "Hi, I am calling about my account."]
    cues = [
        f"{n + 1}\n00:00:{n * 5:02d}.000 --> 00:00:{n * 5 + 5:02d}.000\n<v {speaker}>{text}"
        for n, (speaker, text) in enumerate(zip((call.agent.name, caller), lines, strict=True))
    ]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


async def download(request: Request) -> Response:
    """``GET /nbr/MultiThreadDownloadServlet``: the recording's MP3 (with Range) or transcript."""
    state, params = webex_state(request), request.query_params
    file_type, recording_id = params.get("fileType", "audio"), params.get("recordUUID", "")
    _check(state, params.get("ticket", ""), params.get("timestamp", ""), file_type, recording_id)
    recording = _recording(state, recording_id)
    if file_type == "transcript":
        headers = {"Content-Disposition": f'attachment; filename="{recording.id}.vtt"'}
        return Response(_transcript(recording), media_type="text/vtt;charset=UTF-8", headers=headers)
    return body_response(request, Mp3(recording.id, recording.duration_s * 1000), filename=f"{recording.id}.mp3")


async def notes(request: Request) -> Response:
    """``GET /wbxaibridge/api/v2/{kind}/{resourceId}``: AI notes for the owner (user token)."""
    state, kind = webex_state(request), request.path_params["kind"]
    token = authorize(request, READ_SCOPES)
    if kind not in _NOTES:
        raise WebexError(404)
    stamp, _, ticket = request.query_params.get("token", "").partition(".")
    _check(state, ticket, stamp, kind, request.path_params["resourceId"])
    recording = _recording(state, request.path_params["resourceId"])
    if read_role(token) != USER or recording.owner is not state.store.user:
        raise WebexError(403)
    title = _NOTES[kind][1]
    body = f"<html><body><h1>{title}</h1><p>{recording.topic}: the caller asked about their account.</p></body></html>"
    return Response(body, media_type="text/html;charset=UTF-8")
