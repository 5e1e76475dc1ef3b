"""How API routes are declared: the ``/api/v2`` prefix, the bearer check, JSON replies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .store import Store

__all__ = ["API", "Handler", "api", "empty", "ok"]

API = "/api/v2"
Handler = Callable[[Request, Store], Awaitable[Response]]


def api(path: str, handler: Handler, *methods: str) -> Route:
    """A route under ``/api/v2`` whose handler runs only with a live bearer token."""

    async def endpoint(request: Request) -> Response:
        store: Store = request.app.state.genesys
        store.tokens.check(request)
        return await handler(request, store)

    endpoint.__name__ = handler.__name__
    return Route(API + path, endpoint, methods=list(methods))


def ok(body: Any, status_code: int = 200) -> Response:
    """A JSON reply."""
    return JSONResponse(body, status_code=status_code)


def empty(status_code: int = 204) -> Response:
    """A reply with no body (void operations)."""
    return Response(status_code=status_code)
