"""Conversation recordings: list (bare array, 202 while transcoding), get, retention PUT,
and recording metadata."""

from __future__ import annotations

import asyncio
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .data import ConvRecording
from .errors import bad_request
from .media import download_name, media_format, media_uris, output_size
from .params import bool_param, int_param, json_body, parse_datetime
from .render import metadata_json, recording_json
from .routing import api, ok
from .store import Store

__all__ = ["playable", "recording_routes"]

_PLAYABLE = ("AVAILABLE", "RESTORED")


def playable(file_state: str) -> bool:
    """Whether media of a recording in `file_state` can be fetched."""
    return file_state in _PLAYABLE


async def _render(request: Request, store: Store, rec: ConvRecording, format_id: str) -> tuple[dict[str, Any], bool]:
    """The Recording and whether it is still transcoding in `format_id`."""
    if not playable(rec.file_state):
        return recording_json(rec, store), False
    left = store.transcode_left_s(rec.id, format_id, rec.transcode_ms)
    if left > 0:
        return recording_json(rec, store, transcoding_ms=math.ceil(left * 1000)), True
    duration = rec.duration_ms
    uris = media_uris(
        request,
        store,
        kind="recordings",
        media_id=rec.id,
        duration_ms=duration,
        format_id=format_id,
        file_name=download_name(request, rec.id, format_id),
    )
    size = await output_size(store, rec.id, duration, format_id) if format_id != "NONE" else None
    return recording_json(rec, store, media_uris=uris, output_bytes=size), False


async def list_recordings(request: Request, store: Store) -> Response:
    """``GET /conversations/{conversationId}/recordings``: waits up to ``maxWaitMs``, then 202."""
    max_wait_ms = int_param(request, "maxWaitMs", 5000, low=1)
    format_id = media_format(request)
    recs = store.conversation(request.path_params["conversationId"])
    left = max(
        (store.transcode_left_s(rec.id, format_id, rec.transcode_ms) for rec in recs if playable(rec.file_state)),
        default=0.0,
    )
    if left > 0:
        # A hair past the deadline: the loop's timer may wake a little before the clock agrees.
        await asyncio.sleep(min(left + 0.01, max_wait_ms / 1000))
    rendered = [await _render(request, store, rec, format_id) for rec in recs]
    busy = any(transcoding for _, transcoding in rendered)
    return ok([body for body, _ in rendered], 202 if busy else 200)


async def get_recording(request: Request, store: Store) -> Response:
    """``GET /conversations/{conversationId}/recordings/{recordingId}``: 202 while transcoding."""
    format_id = media_format(request)
    rec = store.recording(request.path_params["conversationId"], request.path_params["recordingId"])
    body, transcoding = await _render(request, store, rec, format_id)
    return ok(body, 202 if transcoding else 200)


def _date_field(body: dict[str, Any], field: str) -> tuple[bool, Any]:
    """(present, value-or-None) for a retention date in a PUT body."""
    if field not in body:
        return False, None
    value = body[field]
    return True, None if value is None else parse_datetime(value, field)


async def put_recording(request: Request, store: Store) -> Response:
    """``PUT .../recordings/{recordingId}``: sets or clears archiveDate, deleteDate, exportDate."""
    rec = store.recording(request.path_params["conversationId"], request.path_params["recordingId"])
    body = await json_body(request)
    clear_export = bool_param(request, "clearExport")
    changes = {field: _date_field(body, field) for field in ("archiveDate", "deleteDate", "exportDate")}
    if rec.file_state == "DELETED" and any(present for present, _ in changes.values()):
        raise bad_request("The recording has been deleted and can no longer be updated.")
    now = store.now()
    present, archive = changes["archiveDate"]
    if present:
        if archive is not None and rec.file_state == "ARCHIVED" and archive > now:
            store.restore(rec, archive)
        else:
            rec.archive_date = archive
    present, delete = changes["deleteDate"]
    if present:
        rec.delete_date = delete
    present, export = changes["exportDate"]
    if present:
        rec.export_date = export
    if clear_export:
        rec.export_date = None
    return ok(recording_json(store.refresh(rec), store))


async def list_metadata(request: Request, store: Store) -> Response:
    """``GET /conversations/{conversationId}/recordingmetadata``: a bare array, no media."""
    return ok([metadata_json(rec, store) for rec in store.conversation(request.path_params["conversationId"])])


async def get_metadata(request: Request, store: Store) -> Response:
    rec = store.recording(request.path_params["conversationId"], request.path_params["recordingId"])
    return ok(metadata_json(rec, store))


def recording_routes() -> list[Route]:
    return [
        api("/conversations/{conversationId}/recordings", list_recordings, "GET"),
        api("/conversations/{conversationId}/recordings/{recordingId}", get_recording, "GET"),
        api("/conversations/{conversationId}/recordings/{recordingId}", put_recording, "PUT"),
        api("/conversations/{conversationId}/recordingmetadata", list_metadata, "GET"),
        api("/conversations/{conversationId}/recordingmetadata/{recordingId}", get_metadata, "GET"),
    ]
