"""Media through the gateway: signed, expiring links, checked again when they are fetched.

`Recording.media` hands out ``/media/<ticket>`` URLs. The ticket names the source, recording,
media file, format and the principal it was issued to; the download endpoint verifies it,
checks the caller is that principal, and streams the source's bytes straight through (Range
passed upstream, nothing buffered whole).

The request's deadline (``request_timeout_s``) covers opening the stream, until the source's
headers arrive; the body then flows as long as the client reads it, each chunk within the
source's own read timeout.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from gateway.context import Principal, principal_for
from gateway.deadline import request_deadline
from gateway.errors import Forbidden, GatewayError
from gateway.models import MediaFormat
from gateway.signing import BadSignature, Expired, Signer
from gateway.sources.base import MediaSource

__all__ = ["MediaLinks", "MediaTicket", "media_endpoint"]

RELAYED_HEADERS = ("content-type", "content-length", "content-range", "accept-ranges", "content-disposition")


@dataclasses.dataclass(frozen=True)
class MediaTicket:
    source: str
    recording_id: str
    media_file_id: str
    format: MediaFormat | None
    principal_id: str


class MediaLinks:
    """Issues and checks media tickets."""

    def __init__(self, secret: str, *, ttl_s: float) -> None:
        self._signer = Signer(secret, "media")
        self.ttl_s = ttl_s

    def issue(self, ticket: MediaTicket) -> tuple[str, float]:
        """A ticket token and its expiry (epoch seconds)."""
        token = self._signer.sign(
            [
                ticket.source,
                ticket.recording_id,
                ticket.media_file_id,
                ticket.format.value if ticket.format else None,
                ticket.principal_id,
            ],
            ttl_s=self.ttl_s,
        )
        return token, self._signer.expiry(token)

    def check(self, token: str, principal: Principal) -> MediaTicket:
        try:
            source, recording_id, media_file_id, media_format, principal_id = self._signer.verify(token)
        except (BadSignature, Expired, ValueError) as exc:
            raise Forbidden(f"the media link is {'expired' if isinstance(exc, Expired) else 'invalid'}") from exc
        if principal_id != principal.id:
            raise Forbidden("the media link was issued to someone else")
        return MediaTicket(
            source, recording_id, media_file_id, MediaFormat(media_format) if media_format else None, principal_id
        )


async def media_endpoint(request: Request) -> Response:
    """``GET /media/{ticket}``: relay the media file the ticket names."""
    services = request.state.services
    try:
        ticket = services.media_links.check(request.path_params["ticket"], principal_for(request))
        source = services.capable(ticket.source, MediaSource, "media")
        stack = contextlib.AsyncExitStack()
        with request_deadline(services.settings.request_timeout_s):
            stream = await stack.enter_async_context(
                source.open_media(
                    ticket.recording_id, ticket.media_file_id, ticket.format, request.headers.get("range")
                )
            )
    except GatewayError as exc:
        status = {"FORBIDDEN": 403, "NOT_FOUND": 404, "UNSUPPORTED": 415, "SOURCE_TIMEOUT": 504}.get(exc.code, 502)
        return JSONResponse({"error": exc.message, "code": exc.code}, status_code=status)

    async def relay() -> AsyncIterator[bytes]:
        async with stack:
            async for chunk in stream.body:
                yield chunk

    headers = {k: v for k, v in stream.headers.items() if k.lower() in RELAYED_HEADERS}
    return StreamingResponse(relay(), status_code=stream.status_code, headers=headers)
