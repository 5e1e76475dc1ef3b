"""The media storage behind the sandbox, as far as deleting media (``subresources=*``) needs it.

``awsS3`` objects live in an object-root folder the app owns (seeded media are never
materialized there, so deleting them finds nothing and succeeds). ``webDAV`` media are deleted
with a real HTTP DELETE: the seeded ones sit on `WEBDAV_ROOT`, a WebDAV server simulated in
process that accepts every DELETE; any other URL is tried for real, so an unreachable server
makes the delete a partial success (statusCode 7), as on GWS.
"""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["WEBDAV_ROOT", "webdav_client"]

WEBDAV_ROOT = "http://webdav.engage-sandbox.invalid"


async def _delete(request: Request) -> Response:
    return Response(status_code=204)


def webdav_client() -> httpx.AsyncClient:
    """An HTTP client that reaches the simulated `WEBDAV_ROOT` in process and anything else for real."""
    webdav = Starlette(routes=[Route("/{path:path}", _delete, methods=["DELETE"])])
    return httpx.AsyncClient(mounts={WEBDAV_ROOT: httpx.ASGITransport(app=webdav)}, timeout=httpx.Timeout(10.0))
