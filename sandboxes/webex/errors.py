"""Webex failures on the wire: the error body, its tracking id, and the kit's `VendorErrors`.

Every Webex error is ``{"message": ..., "errors": [{"description": ...}], "trackingId": ...}``
with ``Content-Type: application/json;charset=UTF-8`` and a ``TrackingID`` header (assumed).
Handlers raise `WebexError`; `error_handlers` turns it, and Starlette's own 404/405, into that
body. 429s carry an integer ``Retry-After`` (wxc_sdk parses it with ``int()``).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from sandboxes.kit import RateLimit
from sandboxes.webex.wire import bearer_token, json_response

__all__ = [
    "MESSAGES",
    "STATED_LIMIT",
    "WebexError",
    "WebexErrors",
    "error_handlers",
    "error_response",
    "tracking_id",
]

# Webex publishes no numbers for these endpoints (dynamic limits, see the Webex blog
# "Rate Limiting and the Webex API"); assumed: 300 requests a minute per access token.
STATED_LIMIT = RateLimit(limit=300, period_s=60.0)

MESSAGES: Mapping[int, str] = {
    400: "The request was invalid or cannot be otherwise served.",
    401: "The request requires a valid access token set in the Authorization request header.",
    403: (
        "The server understood the request, but refused to fulfill it because the access token is missing "
        "required scopes or the user is missing required roles or licenses."
    ),
    404: "The requested resource could not be found.",
    405: "The request was made to a resource using an HTTP request method that is not supported.",
    409: "The request could not be processed because it conflicts with some established rule of the system.",
    410: "The requested resource is no longer available.",
    429: (
        "Too many requests have been sent in a given amount of time and the request has been rate limited. "
        "A Retry-After header should be present that specifies how many seconds you need to wait before a "
        "successful request can be made."
    ),
    500: (
        "Something went wrong on the server. If the issue persists, feel free to contact the Webex Developer "
        "Support team."
    ),
    503: "Server is overloaded with requests. Try again later.",
}


class WebexError(Exception):
    """A failure a handler reports the way Webex does; `description` defaults to the message."""

    def __init__(self, status_code: int, message: str | None = None, *, headers: Mapping[str, str] | None = None):
        self.status_code = status_code
        self.message = message or MESSAGES.get(status_code, MESSAGES[400])
        self.headers = dict(headers or {})
        super().__init__(f"{status_code} {self.message}")


def tracking_id() -> str:
    """A fresh Webex tracking id, as the API router stamps it."""
    return f"ROUTERGW_{uuid.uuid4()}"


def error_response(status_code: int, message: str | None = None, headers: Mapping[str, str] | None = None) -> Response:
    """The Webex error body for `status_code`."""
    text = message or MESSAGES.get(status_code, MESSAGES[400])
    tid = tracking_id()
    body = {"message": text, "errors": [{"description": text}], "trackingId": tid}
    return json_response(body, status_code=status_code, headers={**(headers or {}), "TrackingID": tid})


async def _on_webex_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebexError)
    return error_response(exc.status_code, exc.message, exc.headers)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, None, exc.headers)


def error_handlers() -> dict[Any, Callable[..., Any]]:
    """Starlette exception handlers rendering every failure as a Webex error body."""
    return {WebexError: _on_webex_error, HTTPException: _on_http_exception}


class WebexErrors:
    """The kit's `VendorErrors` for Webex: error bodies, 429 with Retry-After, limits per token."""

    def error(self, request: Request, status_code: int) -> Response:
        return error_response(status_code)

    def throttled(self, request: Request, retry_after_s: float) -> Response:
        return error_response(429, headers={"Retry-After": str(max(1, math.ceil(retry_after_s)))})

    def rate_key(self, request: Request, route_template: str) -> str | None:
        # Limits count per access token; pre-signed downloads carry none and are not limited.
        return bearer_token(request)
