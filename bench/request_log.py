"""Every vendor request a sandbox serves, with its times, status and rate key.

The sandboxes count requests per endpoint (``/_sandbox/counts``) but keep no times or statuses;
the bench needs both, to tell how many rounds of calls a query waited on and how many 429s a
walk drew. `RequestLog` wraps a sandbox app from the outside (the sandbox is left as it is) and
serves what it saw at ``GET /_bench/calls`` (``DELETE`` forgets it). Rate keys hold tokens, so
only a digest of each is kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Sequence
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Message, Receive, Scope, Send

from sandboxes.kit import ADMIN_PREFIX, SandboxMiddleware, VendorErrors

__all__ = ["LOG_PATH", "Call", "RequestLog", "clear_calls", "fetch_calls"]

LOG_PATH = "/_bench/calls"


@dataclasses.dataclass(frozen=True)
class Call:
    """One vendor request: when it arrived and was answered (``time.monotonic``, shared by every
    process of the machine), its route template, status, and its rate key's digest (None: unlimited)."""

    start: float
    end: float
    route: str
    status: int
    rate_key: str | None

    @property
    def is_token_grant(self) -> bool:
        return "oauth" in self.route


def _digest(value: str | None) -> str | None:
    return None if value is None else hashlib.sha256(value.encode()).hexdigest()[:12]


def _template(routes: Sequence[BaseRoute], scope: Scope) -> str:
    matched = (route for route in routes if isinstance(route, Route) and route.matches(scope)[0] is Match.FULL)
    route = next(matched, None)
    return f"{scope['method']} {route.path if route else '(unmatched)'}"


def _is_sandbox(factory: object) -> bool:
    return factory is SandboxMiddleware


class RequestLog:
    """ASGI wrapper of a sandbox app (`build_app`'s result) that remembers its vendor requests."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        options: dict[str, Any] = next(m.kwargs for m in app.user_middleware if _is_sandbox(m.cls))
        self.routes: Sequence[BaseRoute] = options["routes"]
        self.errors: VendorErrors = options["errors"]
        self.calls: list[Call] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == LOG_PATH:
            await self._serve_log(Request(scope, receive))(scope, receive, send)
            return
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        start = time.monotonic()
        route = _template(self.routes, scope)
        rate_key = _digest(self.errors.rate_key(Request(scope), route))
        status = 0

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            self.calls.append(Call(start, time.monotonic(), route, status, rate_key))

    def _serve_log(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.calls.clear()
            return Response(status_code=204)
        return JSONResponse([dataclasses.asdict(call) for call in self.calls])


async def fetch_calls(http: httpx.AsyncClient, base_url: str) -> list[Call]:
    """The calls a sandbox behind `RequestLog` served since it was last cleared."""
    rows: list[dict[str, Any]] = json.loads((await http.get(f"{base_url}{LOG_PATH}")).content)
    return [Call(**row) for row in rows]


async def clear_calls(http: httpx.AsyncClient, base_url: str) -> None:
    (await http.delete(f"{base_url}{LOG_PATH}")).raise_for_status()
