"""Media routes: the user's media files (recording files once complete) and their download.

Downloads are the full body with ``Content-Length`` (Catapult's ``Range`` support is
undocumented, so it is treated as absent). A recording still ``recording`` or ``saving``, or
one in ``error``, has no downloadable file: 404 ``media-not-found``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandboxes.bandwidth.context import Context
from sandboxes.bandwidth.data import USER_PATH, State
from sandboxes.bandwidth.errors import media_not_found
from sandboxes.bandwidth.paging import paged_response, parse_page
from sandboxes.bandwidth.render import audio_of, media_json
from sandboxes.body import body_response

__all__ = ["routes"]


def routes(context: Context) -> list[Route]:
    """``GET`` routes of the media resource family."""
    account = context.account

    async def list_media(request: Request) -> Response:
        context.authorize(request)
        page = parse_page(request, "media")
        indexes, has_next = account.media_page(page.offset, page.size)
        return paged_response(request, page, [media_json(request, account, index) for index in indexes], has_next)

    async def download(request: Request) -> Response:
        context.authorize(request)
        name = request.path_params["mediaName"]
        index = account.by_media.get(name)
        if index is None or account.state(index) is not State.COMPLETE:
            raise media_not_found(name)
        return body_response(request, audio_of(account.entries[index]), ranges=False)

    return [
        Route(f"{USER_PATH}/media", list_media, methods=["GET"]),
        Route(f"{USER_PATH}/media/{{mediaName}}", download, methods=["GET"]),
    ]
