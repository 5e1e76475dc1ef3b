"""Recording routes: the user's recordings (paged), one recording, and one call's recordings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandboxes.bandwidth.context import Context
from sandboxes.bandwidth.data import USER_PATH
from sandboxes.bandwidth.errors import call_not_found, recording_not_found
from sandboxes.bandwidth.paging import paged_response, parse_page
from sandboxes.bandwidth.render import recording_json

__all__ = ["routes"]


def routes(context: Context) -> list[Route]:
    """``GET`` routes of the recordings resource family (and a call's recordings)."""
    account = context.account

    async def list_recordings(request: Request) -> Response:
        context.authorize(request)
        page = parse_page(request, "recording")
        stop = min(page.offset + page.size, len(account.entries))
        items = [recording_json(request, account, index) for index in range(page.offset, stop)]
        return paged_response(request, page, items, page.offset + page.size < len(account.entries))

    async def get_recording(request: Request) -> Response:
        context.authorize(request)
        recording_id = request.path_params["recordingId"]
        index = account.by_recording.get(recording_id)
        if index is None:
            raise recording_not_found(recording_id)
        return JSONResponse(recording_json(request, account, index))

    async def call_recordings(request: Request) -> Response:
        context.authorize(request)
        call_id = request.path_params["callId"]
        index = account.by_call.get(call_id)
        if index is None:
            raise call_not_found(call_id)
        return JSONResponse([recording_json(request, account, index)])

    return [
        Route(f"{USER_PATH}/recordings", list_recordings, methods=["GET"]),
        Route(f"{USER_PATH}/recordings/{{recordingId}}", get_recording, methods=["GET"]),
        Route(f"{USER_PATH}/calls/{{callId}}/recordings", call_recordings, methods=["GET"]),
    ]
