"""Catapult's JSON for recordings, calls and media files, with absolute resource URLs.

Fields are only sent when Catapult sends them: a recording has no ``endTime`` while it is
``recording``, and a call has no ``endTime`` or ``chargeableDuration`` while it is ``active``.
"""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request

from sandboxes.audio import Audio
from sandboxes.bandwidth.data import Account, Entry, State, timestamp
from sandboxes.body import Body
from sandboxes.mp3 import Mp3

__all__ = ["audio_of", "call_json", "content_length", "media_json", "recording_json", "user_url"]


def user_url(request: Request, account: Account) -> str:
    """The absolute ``.../v1/users/{userId}`` URL, on the host the client called."""
    return f"{str(request.base_url).rstrip('/')}/v1/users/{account.user_id}"


def audio_of(entry: Entry) -> Body:
    """The recording's media file: MP3 when its call records mp3, else 8 kHz 16-bit PCM WAV."""
    if entry.file_format == "mp3":
        return Mp3(entry.recording_id, entry.duration_ms)
    return Audio(entry.recording_id, entry.duration_ms)


def content_length(entry: Entry) -> int:
    """Bytes of the recording's media file in its format."""
    return audio_of(entry).length


def recording_json(request: Request, account: Account, index: int) -> dict[str, Any]:
    entry, state = account.entries[index], account.state(index)
    base = user_url(request, account)
    body: dict[str, Any] = {"id": entry.recording_id, "startTime": timestamp(entry.start)}
    if state is not State.RECORDING:
        body["endTime"] = timestamp(entry.end)
    body["call"] = f"{base}/calls/{entry.call_id}"
    body["media"] = f"{base}/media/{entry.media_name}"
    body["state"] = str(state)
    return body


def call_json(request: Request, account: Account, index: int) -> dict[str, Any]:
    entry = account.entries[index]
    active = account.state(index) is State.RECORDING
    call_url = f"{user_url(request, account)}/calls/{entry.call_id}"
    body: dict[str, Any] = {
        "id": entry.call_id,
        "direction": "in",
        "from": entry.caller,
        "to": entry.dialed,
        "state": "active" if active else "completed",
        "startTime": timestamp(entry.start),
        "activeTime": timestamp(entry.start),
    }
    if not active:
        body["endTime"] = timestamp(entry.end)
        # Catapult bills whole minutes.
        body["chargeableDuration"] = math.ceil(entry.duration_ms / 60_000) * 60
    body.update(
        {
            "recordingEnabled": True,
            "recordingFileFormat": entry.file_format,
            "recordings": f"{call_url}/recordings",
            "events": f"{call_url}/events",
            "transcriptions": f"{call_url}/transcriptions",
            "transcriptionEnabled": False,
        }
    )
    return body


def media_json(request: Request, account: Account, index: int) -> dict[str, Any]:
    entry = account.entries[index]
    return {
        "mediaName": entry.media_name,
        "contentLength": content_length(entry),
        "content": f"{user_url(request, account)}/media/{entry.media_name}",
    }
