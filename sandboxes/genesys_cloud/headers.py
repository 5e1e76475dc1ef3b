"""``inin-correlation-id`` and ``inin-ratelimit-*`` on every API and token response."""

from __future__ import annotations

import math
import uuid

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..kit import SandboxState
from .errors import GenesysErrors

__all__ = ["IninHeaders"]

_PREFIXES = ("/api/", "/oauth/")


class IninHeaders:
    """Pure ASGI middleware, outside the kit's, so faults and 429s carry the headers too."""

    def __init__(self, app: ASGIApp, *, state: SandboxState, errors: GenesysErrors) -> None:
        self.app = app
        self.state = state
        self.errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(_PREFIXES):
            await self.app(scope, receive, send)
            return
        correlation = str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = correlation
        key = self.errors.rate_key(Request(scope), "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("inin-correlation-id", correlation)
                self._rate_headers(headers, key)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _rate_headers(self, headers: MutableHeaders, key: str | None) -> None:
        limit = self.state.effective_limit()
        if key is None or limit is None:
            return
        now = self.state.clock()
        start, used = self.state.windows.get(key, (now, 0))
        headers["inin-ratelimit-allowed"] = str(limit.limit)
        headers["inin-ratelimit-count"] = str(min(used, limit.limit))
        headers["inin-ratelimit-reset"] = str(max(0, math.ceil(start + limit.period_s - now)))
