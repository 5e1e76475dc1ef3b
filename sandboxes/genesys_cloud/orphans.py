"""Orphan recordings: list (filters), get, delete, media (202 while transcoding), and PUT,
which turns an orphan into a regular recording of a conversation."""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..world import Call
from .data import ConvRecording, Orphan
from .errors import bad_request, not_found
from .listing import echoed, entity_listing, page_of
from .media import download_name, media_format, media_uris, output_size
from .params import bool_param, enum_param, json_body, parse_datetime
from .render import orphan_json, recording_json
from .routing import api, ok
from .store import Store

__all__ = ["orphan_routes"]

_PATH = "/api/v2/orphanrecordings"
_MEDIA_FILTER = {"Call": "CALL", "Screen": "SCREEN"}


def _find(request: Request, store: Store) -> Orphan:
    orphan = store.orphans.get(request.path_params["orphanId"])
    if orphan is None:
        raise not_found(f"Orphan recording {request.path_params['orphanId']} was not found.")
    return orphan


async def list_orphans(request: Request, store: Store) -> Response:
    page = page_of(request)
    has_conversation = bool_param(request, "hasConversation")
    media = enum_param(request, "media", tuple(_MEDIA_FILTER))
    items = [
        orphan
        for orphan in store.orphans.values()
        if (has_conversation is None or (orphan.conversation_id is not None) == has_conversation)
        and (media is None or orphan.media_type == _MEDIA_FILTER[media])
    ]
    extra = echoed(request, "hasConversation", "media")
    return ok(entity_listing(items, page, _PATH, orphan_json, extra))


async def get_orphan(request: Request, store: Store) -> Response:
    return ok(orphan_json(_find(request, store)))


async def delete_orphan(request: Request, store: Store) -> Response:
    """200 with the deleted ``OrphanRecording``."""
    orphan = _find(request, store)
    del store.orphans[orphan.id]
    return ok(orphan_json(orphan))


async def orphan_media(request: Request, store: Store) -> Response:
    """The orphan's ``Recording`` with media: 200 when ready, 202 while transcoding."""
    orphan = _find(request, store)
    format_id = media_format(request)
    body: dict[str, Any] = orphan_json(orphan)["recording"]
    if orphan.file_state != "AVAILABLE":
        return ok(body)
    left = store.transcode_left_s(orphan.recording_id, format_id, orphan.transcode_ms)
    if left > 0:
        return ok({**body, "estimatedTranscodeTimeMs": math.ceil(left * 1000)}, 202)
    body["mediaUris"] = media_uris(
        request,
        store,
        kind="orphans",
        media_id=orphan.recording_id,
        duration_ms=orphan.duration_ms,
        format_id=format_id,
        file_name=download_name(request, orphan.recording_id, format_id),
    )
    body["actualTranscodeTimeMs"] = orphan.transcode_ms
    if format_id != "NONE":
        body["outputSizeInBytes"] = await output_size(store, orphan.recording_id, orphan.duration_ms, format_id)
    return ok(body)


def _adopt(store: Store, orphan: Orphan, conversation_id: str) -> ConvRecording:
    """The orphan as a regular recording of `conversation_id` (known or new)."""
    siblings = store.by_conversation.get(conversation_id)
    call = siblings[0].call if siblings else None
    if call is None:
        call = Call(
            key=f"orphan:{orphan.id}",
            conversation_id=conversation_id,
            start=orphan.created,
            duration_ms=orphan.duration_ms,
            caller="+18005550100",
            dialed="+18005550199",
            agent=store.api_user,
            customer=None,
            region="us-east",
            shared=False,
        )
    rec = ConvRecording(
        id=orphan.recording_id,
        call=call,
        media="screen" if orphan.media_type == "SCREEN" else "audio",
        subtype=orphan.subtype,
        file_state=orphan.file_state,
        transcode_ms=orphan.transcode_ms,
    )
    store.recordings[rec.id] = rec
    store.by_conversation.setdefault(conversation_id, []).append(rec)
    return rec


async def put_orphan(request: Request, store: Store) -> Response:
    """``OrphanUpdateRequest`` (optional): attach to a conversation with retention dates."""
    orphan = _find(request, store)
    body = await json_body(request, required=False)
    conversation_id = body.get("conversationId") or orphan.conversation_id
    if not isinstance(conversation_id, str):
        raise bad_request("A conversationId is required to recover an orphan without a conversation.", "invalid.value")
    dates = {
        field: parse_datetime(body[field], field)
        for field in ("archiveDate", "deleteDate", "exportDate")
        if body.get(field) is not None
    }
    rec = _adopt(store, orphan, conversation_id)
    rec.archive_date = dates.get("archiveDate")
    rec.delete_date = dates.get("deleteDate")
    rec.export_date = dates.get("exportDate")
    del store.orphans[orphan.id]
    return ok(recording_json(store.refresh(rec), store))


def orphan_routes() -> list[Route]:
    return [
        api("/orphanrecordings", list_orphans, "GET"),
        api("/orphanrecordings/{orphanId}", get_orphan, "GET"),
        api("/orphanrecordings/{orphanId}", put_orphan, "PUT"),
        api("/orphanrecordings/{orphanId}", delete_orphan, "DELETE"),
        api("/orphanrecordings/{orphanId}/media", orphan_media, "GET"),
    ]
