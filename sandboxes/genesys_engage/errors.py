"""GWS failures on the wire: the ``statusCode`` envelope, its code table, and the kit's `VendorErrors`.

Every reply carries an integer ``statusCode``; a non-zero one comes with ``statusMessage`` and
nothing else (code 7, partial success, adds ``failed``). GWS documents the codes, not the HTTP
statuses, so `CODES` holds the assumed HTTP status of each. Handlers raise `EngageError`;
`error_handlers` renders it, Starlette's own 404/405 and any crash, as that envelope.

GWS publishes no rate limits, so the sandbox states none. When the ``rate_limit`` or
``throttle_rate`` knob throttles a request, the reply is HTTP 429 with an integer
``Retry-After`` and ``{"statusCode": 4, "statusMessage": "Too many requests..."}`` (assumed:
the table has no throttling code, 4 is its generic server-side failure). Injected 500/503
faults are code 4 with that HTTP status.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from sandboxes.genesys_engage.wire import json_response
from sandboxes.kit import basic_credentials

__all__ = ["CODES", "EngageError", "EngageErrors", "error_handlers", "error_response"]

# statusCode -> (HTTP status (assumed), default statusMessage)
CODES: Mapping[int, tuple[int, str]] = {
    0: (200, ""),
    1: (400, "A required parameter is missing in the request"),
    2: (400, "A specified parameter is not valid for the current state"),
    3: (403, "The operation is forbidden"),
    4: (500, "An internal error occurred"),
    5: (403, "The user does not have permission to perform this operation"),
    6: (404, "The requested resource could not be found"),
    7: (200, "The operation was partially successful"),
    8: (403, "Change password demanded"),
    9: (202, "Processing incomplete"),
    10: (400, "Input validation error - the provided value is not within the range of valid values"),
    11: (400, "User requested to change read-only property"),
    12: (500, "Unable to retrieve resource"),
    13: (500, "Unable to create resource"),
    14: (500, "Unable to delete resource"),
    15: (500, "Unable to update resource"),
    16: (500, "Unable to assign resource"),
    17: (500, "Unable to unassign resource"),
    18: (409, "Resource already exists"),
    19: (409, "Resource already in use"),
    20: (401, "Access denied"),
}
_REALM = 'Basic realm="Genesys Web Services"'


class EngageError(Exception):
    """A failure reported as the envelope of `code`; `http_status` overrides the table's status."""

    def __init__(
        self,
        code: int,
        message: str | None = None,
        *,
        http_status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        status, default = CODES[code]
        self.code = code
        self.message = message or default
        self.http_status = http_status or status
        self.headers = dict(headers or {})
        if code == 20:
            self.headers.setdefault("WWW-Authenticate", _REALM)
        super().__init__(f"{code} {self.message}")


def error_response(error: EngageError) -> Response:
    """``{"statusCode": n, "statusMessage": ...}`` with the error's HTTP status and headers."""
    body = {"statusCode": error.code, "statusMessage": error.message}
    return json_response(body, status_code=error.http_status, headers=error.headers)


async def _on_engage_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EngageError)
    return error_response(exc)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(EngageError(6, f"No resource at {request.url.path}"))
    if exc.status_code == 405:
        return error_response(
            EngageError(3, f"Method {request.method} is not supported here", http_status=405, headers=exc.headers)
        )
    return error_response(EngageError(2, str(exc.detail), http_status=exc.status_code))


async def _on_crash(request: Request, exc: Exception) -> Response:
    return error_response(EngageError(4))


def error_handlers() -> dict[Any, Callable[..., Any]]:
    """Starlette exception handlers rendering every failure as the statusCode envelope."""
    return {EngageError: _on_engage_error, HTTPException: _on_http_exception, Exception: _on_crash}


class EngageErrors:
    """The kit's `VendorErrors` for GWS: envelope-shaped faults, 429 with Retry-After, limits per user."""

    def error(self, request: Request, status_code: int) -> Response:
        message = "Service unavailable" if status_code == 503 else None
        return error_response(EngageError(4, message, http_status=status_code))

    def throttled(self, request: Request, retry_after_s: float) -> Response:
        retry = str(max(1, math.ceil(retry_after_s)))
        error = EngageError(4, "Too many requests, retry later", http_status=429, headers={"Retry-After": retry})
        return error_response(error)

    def rate_key(self, request: Request, route_template: str) -> str | None:
        # A limit set by knob counts per Basic user; anonymous calls (diagnostics) are not limited.
        credentials = basic_credentials(request)
        return f"user:{credentials[0]}" if credentials else None
