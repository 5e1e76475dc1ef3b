"""User recordings (``UserRecordingsApi``): list, summary, get, update, delete, media."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .data import UserRecording
from .errors import bad_request, not_found
from .listing import entity_listing, page_of
from .media import media_format, media_url
from .params import csv_param, json_body
from .render import user_recording_json
from .routing import api, empty, ok
from .store import Store

__all__ = ["user_recording_routes"]

_PATH = "/api/v2/userrecordings"


def _expand(request: Request) -> bool:
    values = csv_param(request, "expand")
    for value in values:
        if value != "conversation":
            raise bad_request(
                f"Value [{value}] is not valid for field [expand]. Allowable values are: conversation", "invalid.value"
            )
    return bool(values)


def _find(request: Request, store: Store) -> UserRecording:
    found = store.user_recordings.get(request.path_params["recordingId"])
    if found is None:
        raise not_found(f"User recording {request.path_params['recordingId']} was not found.")
    return found


async def list_user_recordings(request: Request, store: Store) -> Response:
    page = page_of(request)
    expand = _expand(request)
    extra = {"expand": "conversation"} if expand else {}
    items = list(store.user_recordings.values())
    return ok(entity_listing(items, page, _PATH, lambda ur: user_recording_json(ur, store, expand=expand), extra))


async def summary(request: Request, store: Store) -> Response:
    """``FaxSummary`` of the inbox."""
    read = sum(1 for ur in store.user_recordings.values() if ur.read)
    total = len(store.user_recordings)
    return ok({"readCount": read, "unreadCount": total - read, "totalCount": total})


async def get_user_recording(request: Request, store: Store) -> Response:
    expand = _expand(request)
    return ok(user_recording_json(_find(request, store), store, expand=expand))


async def put_user_recording(request: Request, store: Store) -> Response:
    """Only ``read`` and ``name`` are writable; the rest of the body is ignored."""
    ur = _find(request, store)
    expand = _expand(request)
    body = await json_body(request)
    if "read" in body and not isinstance(body["read"], bool):
        raise bad_request(f"Value [{body['read']}] is not valid for field [read].", "invalid.value")
    if "name" in body and not (isinstance(body["name"], str) and body["name"].strip()):
        raise bad_request("The name must be a non-empty string.", "invalid.value")
    ur.read = body.get("read", ur.read)
    ur.name = body.get("name", ur.name)
    ur.modified = store.now()
    return ok(user_recording_json(ur, store, expand=expand))


async def delete_user_recording(request: Request, store: Store) -> Response:
    """202 Accepted, empty body; the recording is gone for every later call."""
    del store.user_recordings[_find(request, store).id]
    return empty(202)


async def download(request: Request, store: Store) -> Response:
    """``DownloadResponse``: ``Running`` (202) while transcoding, then ``Completed`` with the URL."""
    ur = _find(request, store)
    format_id = media_format(request)
    body: dict[str, Any] = {"id": ur.id, "selfUri": f"{_PATH}/{ur.id}/media"}
    left = store.transcode_left_s(ur.id, format_id, ur.transcode_ms)
    if left > 0:
        return ok({**body, "state": "Running"}, 202)
    body["state"] = "Completed"
    if format_id != "NONE":
        body["contentLocationUri"] = media_url(
            request, store, kind="userrecordings", media_id=ur.id, duration_ms=ur.call.duration_ms, format_id=format_id
        )
    return ok(body)


def user_recording_routes() -> list[Route]:
    return [
        api("/userrecordings", list_user_recordings, "GET"),
        api("/userrecordings/summary", summary, "GET"),
        api("/userrecordings/{recordingId}", get_user_recording, "GET"),
        api("/userrecordings/{recordingId}", put_user_recording, "PUT"),
        api("/userrecordings/{recordingId}", delete_user_recording, "DELETE"),
        api("/userrecordings/{recordingId}/media", download, "GET"),
        api("/userrecordings/{recordingId}/transcoding", download, "GET"),
    ]
