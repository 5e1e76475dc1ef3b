"""The OPS admin's API under ``/api/v2/ops/contact-centers/{contactCenterId}/recordings``.

- ``POST`` creates a recording or merges a re-POST into it (the local store's Engage rules):
  ``{"statusCode": 0}``; an invalid body stores nothing and answers statusCode 1 when a
  mandatory attribute is missing, else 2, with every problem listed in ``statusMessage``.
- ``GET ?<query>`` and ``GET /{id}``: as the Contact Center Admin's, plus ``originalMediaDesc``.
- ``DELETE /{id}[?subresources=*]`` removes the metadata and, with ``subresources=*``, the media
  from storage first; media that cannot be deleted make it a partial success (statusCode 7,
  ``failed: [{id, mediaDescriptor, statusCode: 4, statusMessage}]``, ``id`` being the fileUuid).

A path naming another contact center answers NOT_FOUND (6); region affinity applies to reads
and deletes by id.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gateway.errors import BadInput
from sandboxes.genesys_engage.auth import OPS, require
from sandboxes.genesys_engage.errors import EngageError
from sandboxes.genesys_engage.listing import describe, search
from sandboxes.genesys_engage.render import recording
from sandboxes.genesys_engage.state import Engage, engage
from sandboxes.genesys_engage.wire import api_url, json_response

__all__ = ["create_recording", "delete_recording", "get_recording", "list_recordings"]


def _authorized(request: Request) -> Engage:
    require(request, OPS)
    server = engage(request)
    server.check_contact_center(request.path_params["contactCenterId"])
    return server


async def list_recordings(request: Request) -> Response:
    _authorized(request)
    return await search(request, ops=True)


async def get_recording(request: Request) -> Response:
    document = await _authorized(request).recording(request.path_params["recordingId"])
    api_root = api_url(request, "")
    return json_response({"statusCode": 0, "recording": recording(document, api_root, ops=True)})


async def create_recording(request: Request) -> Response:
    server = _authorized(request)
    try:
        posted: Any = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise EngageError(2, "The request body is not a valid JSON document") from None
    try:
        await server.store.ingest(posted)
    except BadInput as exc:
        missing = any(error.message == "is required" for error in exc.field_errors)
        raise EngageError(1 if missing else 2, describe(exc)) from None
    return json_response({"statusCode": 0})


async def delete_recording(request: Request) -> Response:
    server = _authorized(request)
    document = await server.recording(request.path_params["recordingId"])
    failures = []
    if request.query_params.get("subresources") == "*":
        failures = await server.remover.remove_all(document["mediaFiles"])
    await server.store.remove(document["id"])
    if not failures:
        return json_response({"statusCode": 0})
    failed = [
        {"id": f.file_id, "mediaDescriptor": dict(f.descriptor), "statusCode": 4, "statusMessage": f.message}
        for f in failures
    ]
    return json_response({"statusCode": 7, "failed": failed})
