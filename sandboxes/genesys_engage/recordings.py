"""The Contact Center Admin's recording API: query, get by id, and play.

- ``GET /api/v2/recordings?<query>`` (see `listing`)
- ``GET /api/v2/recordings/{id}`` -> ``{"statusCode": 0, "recording": {...}}``
- ``GET /api/v2/recordings/{id}/play/{fileUuid}.{ext}`` -> the media bytes (see `media`)

Reads and play of a recording of another region answer NOT_FOUND (6), as an unknown id does.
Writes live under the ops URI: POST or DELETE here is refused with statusCode 5.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandboxes.genesys_engage.auth import ADMIN, authenticate, require
from sandboxes.genesys_engage.errors import EngageError
from sandboxes.genesys_engage.listing import search
from sandboxes.genesys_engage.media import extension, play_response
from sandboxes.genesys_engage.render import recording
from sandboxes.genesys_engage.state import engage
from sandboxes.genesys_engage.wire import api_url, json_response

__all__ = ["get_recording", "list_recordings", "not_here", "play"]


async def list_recordings(request: Request) -> Response:
    require(request, ADMIN)
    return await search(request, ops=False)


async def get_recording(request: Request) -> Response:
    require(request, ADMIN)
    document = await engage(request).recording(request.path_params["recordingId"])
    api_root = api_url(request, "")
    return json_response({"statusCode": 0, "recording": recording(document, api_root)})


async def play(request: Request) -> Response:
    require(request, ADMIN)
    recording_id = request.path_params["recordingId"]
    document = await engage(request).recording(recording_id)
    file_name = request.path_params["fileName"]
    file_id, _, ext = file_name.rpartition(".")
    for media in document["mediaFiles"]:
        if media["fileId"] == file_id and extension(media) == ext:
            return play_response(request, media)
    raise EngageError(6, f"Media file {file_name} not found in recording {recording_id}")


async def not_here(request: Request) -> Response:
    """POST /recordings and DELETE /recordings/{id}: only the OPS admin writes, via the ops URI."""
    authenticate(request)
    raise EngageError(5, "Recordings are created and deleted by the OPS admin through the ops URI")
