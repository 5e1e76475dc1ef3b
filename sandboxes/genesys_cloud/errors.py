"""Genesys Cloud error bodies: `ApiError`, its handlers, and the kit's `VendorErrors` for faults.

Every failure on ``/api/v2`` is an ``ErrorBody`` (``message``, ``code``, ``status``,
``contextId`` = the ``inin-correlation-id`` header, ``details``, ``errors``), sent as JSON.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = [
    "ApiError",
    "GenesysErrors",
    "bad_request",
    "correlation_id",
    "error_response",
    "exception_handlers",
    "not_found",
]

_MESSAGES: Mapping[int, tuple[str, str]] = {
    400: ("bad.request", "The request could not be understood by the server due to malformed syntax."),
    401: ("bad.credentials", "Invalid login credentials."),
    403: ("not.authorized", "You are not authorized to perform the requested action."),
    404: ("not.found", "The requested resource was not found."),
    405: ("method.not.allowed", "The requested method is not allowed for this resource."),
    413: ("request.entity.too.large", "The request is over the size limit. Maximum bytes: 512000"),
    415: ("unsupported.media.type", "Unsupported Media Type - Unsupported or incorrect media type."),
    429: ("too.many.requests.retry.after", "Rate limit exceeded the maximum. Retry the request in [{}] seconds"),
    500: (
        "internal.server.error",
        "The server encountered an unexpected condition which prevented it from fulfilling the request.",
    ),
    503: (
        "service.unavailable",
        "Service Unavailable - The server is currently unavailable (because it is overloaded or down for maintenance).",
    ),
}


class ApiError(Exception):
    """A failure a handler reports; rendered as the vendor's ``ErrorBody``."""

    def __init__(self, status: int, code: str | None = None, message: str | None = None) -> None:
        default_code, default_message = _MESSAGES.get(status, ("bad.request", "Request failed."))
        self.status = status
        self.code = code or default_code
        self.message = message or default_message
        super().__init__(f"{status} {self.code}: {self.message}")


def bad_request(message: str, code: str = "bad.request") -> ApiError:
    """A 400 with `message`."""
    return ApiError(400, code, message)


def not_found(message: str = "The requested resource was not found.") -> ApiError:
    """A 404 ``not.found``."""
    return ApiError(404, "not.found", message)


def correlation_id(request: Request) -> str:
    """The request's ``inin-correlation-id`` (set by the header middleware, else made here)."""
    state = request.scope.setdefault("state", {})
    value = state.get("correlation_id")
    if not isinstance(value, str):
        value = str(uuid.uuid4())
        state["correlation_id"] = value
    return value


def error_response(request: Request, error: ApiError, headers: dict[str, str] | None = None) -> Response:
    """The vendor's JSON body for `error`."""
    context = correlation_id(request)
    body: dict[str, Any] = {
        "message": error.message,
        "code": error.code,
        "status": error.status,
        "contextId": context,
        "details": [],
        "errors": [],
    }
    return JSONResponse(body, status_code=error.status, headers={"inin-correlation-id": context, **(headers or {})})


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(request, ApiError(exc.status_code), dict(exc.headers or {}))


async def _crash(request: Request, exc: Exception) -> Response:
    return error_response(request, ApiError(500))


def exception_handlers() -> dict[Any, Any]:
    """Handlers for `build_app`: our `ApiError`, Starlette's own 404/405, and crashes."""
    return {ApiError: _api_error, HTTPException: _http_error, Exception: _crash}


class GenesysErrors:
    """The kit's `VendorErrors` for Genesys Cloud: fault bodies, 429 and the per-token rate key."""

    def error(self, request: Request, status_code: int) -> Response:
        return error_response(request, ApiError(status_code))

    def throttled(self, request: Request, retry_after_s: float) -> Response:
        seconds = max(1, math.ceil(retry_after_s))
        code, template = _MESSAGES[429]
        error = ApiError(429, code, template.format(seconds))
        return error_response(request, error, headers={"Retry-After": str(seconds)})

    def rate_key(self, request: Request, route_template: str) -> str | None:
        """Requests per bearer token (``token.rate.per.minute``), token grants per client id."""
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if request.url.path == "/oauth/token":
            return f"client:{value}" if scheme.lower() == "basic" and value else None
        if scheme.lower() == "bearer" and value:
            return f"token:{value}"
        return None
