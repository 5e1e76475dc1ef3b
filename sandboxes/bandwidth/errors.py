"""Catapult's failures: its JSON error body, its 429 and the per-family rate-limit key.

Every error is ``{"category", "code", "message"}`` with the status-to-category
mapping of Catapult's error table. The 429 follows the documented sample exactly: an
``X-RateLimit-Reset`` header in epoch milliseconds and a body of category, code and the
``details`` list (the sample carries no ``message``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandboxes.bandwidth.credentials import Credentials
from sandboxes.bandwidth.data import USER_PATH

__all__ = [
    "CatapultError",
    "CatapultErrors",
    "call_not_found",
    "exception_handlers",
    "media_not_found",
    "recording_not_found",
]

_API_PREFIX = f"{USER_PATH}/"


class CatapultError(Exception):
    """A failure Catapult reports with its error body; raised by handlers, rendered once."""

    def __init__(
        self,
        status_code: int,
        category: str,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.category = category
        self.code = code
        self.message = message
        self.headers = headers

    @classmethod
    def not_found(cls, code: str, message: str) -> CatapultError:
        return cls(404, "not-found", code, message)

    @classmethod
    def bad_request(cls, message: str) -> CatapultError:
        return cls(400, "bad-request", "validation-error", message)

    @classmethod
    def unauthorized(cls, code: str, message: str) -> CatapultError:
        return cls(401, "authorization", code, message, headers={"WWW-Authenticate": 'Basic realm="Catapult"'})

    def response(self) -> JSONResponse:
        body = {"category": self.category, "code": self.code, "message": self.message}
        return JSONResponse(body, status_code=self.status_code, headers=self.headers)


def recording_not_found(recording_id: str) -> CatapultError:
    return CatapultError.not_found("recording-not-found", f"The recording {recording_id} could not be found")


def call_not_found(call_id: str) -> CatapultError:
    return CatapultError.not_found("call-not-found", f"The call {call_id} could not be found")


def media_not_found(name: str) -> CatapultError:
    return CatapultError.not_found("media-not-found", f"The media resource named {name} could not be found")


def _server_error(request: Request, status_code: int) -> CatapultError:
    if status_code == 503:
        if "/media/" in request.url.path:
            name = request.url.path.rsplit("/", 1)[-1]
            return CatapultError(503, "unavailable", "media-unavailable", f"Failed to access media {name}")
        return CatapultError(503, "unavailable", "service-unavailable", "The service is temporarily unavailable")
    return CatapultError(status_code, "backend", "internal-server-error", "An internal server error occurred")


@dataclasses.dataclass(frozen=True)
class CatapultErrors:
    """Catapult's `VendorErrors`: its error bodies, its 429 and its rate-limit key; `clock` is epoch seconds."""

    credentials: Credentials
    clock: Callable[[], float]

    def error(self, request: Request, status_code: int) -> Response:
        return _server_error(request, status_code).response()

    def throttled(self, request: Request, retry_after_s: float) -> Response:
        reset_ms = str(math.ceil((self.clock() + retry_after_s) * 1000))
        client = request.client.host if request.client else ""
        body = {
            "category": "too-many-requests",
            "code": "rate-limit-reached",
            "details": [
                {"name": "rateLimitResetTime", "value": reset_ms},
                {"name": "requestMethod", "value": request.method},
                {"name": "remoteAddress", "value": client},
                {"name": "requestPath", "value": request.url.path.removeprefix("/v1/")},
            ],
        }
        return JSONResponse(body, status_code=429, headers={"X-RateLimit-Reset": reset_ms})

    def rate_key(self, request: Request, route_template: str) -> str | None:
        """``token:family`` for authenticated API calls; the family is ``recordings``, ``calls`` or ``media``."""
        _, _, path = route_template.partition(" ")
        if not path.startswith(_API_PREFIX):
            return None
        token = self.credentials.token_of(request)
        if token is None:
            return None
        return f"{token}:{path.removeprefix(_API_PREFIX).split('/', 1)[0]}"


def exception_handlers(on_not_found: Callable[[Request], None]) -> dict[Any, Callable[..., Any]]:
    """Handlers rendering every failure as Catapult does; `on_not_found` may raise a 401 first."""

    async def catapult_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CatapultError)
        return exc.response()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        try:
            on_not_found(request)
        except CatapultError as denied:
            return denied.response()
        if exc.status_code == 405:
            message = f"The method {request.method} is not supported by this resource"
            return CatapultError(405, "bad-request", "method-not-allowed", message, headers=exc.headers).response()
        return CatapultError.not_found("resource-not-found", "The requested resource could not be found.").response()

    async def unexpected(request: Request, exc: Exception) -> Response:
        return _server_error(request, 500).response()

    return {CatapultError: catapult_error, HTTPException: http_error, Exception: unexpected}
