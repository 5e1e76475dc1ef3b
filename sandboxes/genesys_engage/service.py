"""Server-wide endpoints: ``GET /api/v2/diagnostics/version`` (no auth) and ``GET /api/v2/me``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandboxes.genesys_engage.auth import authenticate
from sandboxes.genesys_engage.state import VERSION
from sandboxes.genesys_engage.wire import api_url, json_response

__all__ = ["me", "version"]


async def version(request: Request) -> Response:
    return json_response({"statusCode": 0, "version": VERSION})


async def me(request: Request) -> Response:
    """The caller as a ``user`` resource; ``roles`` as RWS reports them (``ROLE_ADMIN``, ...)."""
    account = authenticate(request)
    path = f"/users/{account.id}"
    user: dict[str, Any] = {
        "id": account.id,
        "userName": account.username,
        "firstName": account.first_name,
        "lastName": account.last_name,
        "roles": list(account.roles),
        "enabled": True,
        "path": path,
        "uri": api_url(request, path),
    }
    return json_response({"statusCode": 0, "user": user})
