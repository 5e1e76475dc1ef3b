"""How Genesys Engage Web Services fails: the ``statusCode`` envelope first, the HTTP status second.

Every GWS reply carries an integer ``statusCode``; any value but 0 and 7 (partial success) is
an error, even under HTTP 200, and comes with a ``statusMessage``. The HTTP statuses are
largely undocumented, so the code decides (the table in the reference, section 8):

====================  ============================================================
statusCode            gateway error
====================  ============================================================
6                     `NotFound` (also a recording of another region)
20, 3, 5, 8           `SourceAuthError` (not authenticated, forbidden, no permission)
1, 2, 10, 11          `BadInput` on a write (the posted recording), else `SourceRejected`
18, 19                `SourceRejected` (already exists / in use)
4, 9, 12-17, others    `SourceUnavailable` (server-side failure; retried), or
                      `SourceRateLimited` when the HTTP status is 429
====================  ============================================================
"""

from __future__ import annotations

from typing import Any

import httpx

from gateway.errors import (
    BadInput,
    GatewayError,
    NotFound,
    SourceAuthError,
    SourceRateLimited,
    SourceRejected,
    SourceUnavailable,
)
from gateway.sources.upstream import Dialect

__all__ = ["PARTIAL_SUCCESS", "EngageDialect", "envelope"]

PARTIAL_SUCCESS = 7
_AUTH = frozenset({3, 5, 8, 20})
_INPUT = frozenset({1, 2, 10, 11})
_CONFLICT = frozenset({18, 19})
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def envelope(response: httpx.Response) -> dict[str, Any] | None:
    """The JSON body of a read response when it is a GWS envelope (has an int ``statusCode``)."""
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        body = response.json()
    except (ValueError, httpx.ResponseNotRead):  # a streamed body (media) is never an envelope we read
        return None
    return body if isinstance(body, dict) and isinstance(body.get("statusCode"), int) else None


class EngageDialect(Dialect):
    def failure(self, source: str, response: httpx.Response) -> GatewayError | None:
        body = envelope(response)
        if body is None:
            return super().failure(source, response)
        code: int = body["statusCode"]
        if code in (0, PARTIAL_SUCCESS):
            return None
        request, said = response.request, body.get("statusMessage", "")
        message = f"{request.method} {request.url.path} answered statusCode {code}: {said}"
        status = response.status_code
        if status == 429:
            return SourceRateLimited(source, message, retry_after_s=self.retry_after_s(response))
        if code == 6:
            return NotFound(f"{source}: not found ({message})")
        if code in _AUTH:
            return SourceAuthError(source, message, status_code=status)
        if code in _INPUT:
            if request.method in _WRITES:
                return BadInput(f"{source} refused the recording: {said}")
            return SourceRejected(source, message, status_code=status)
        if code in _CONFLICT:
            return SourceRejected(source, message, status_code=status)
        return SourceUnavailable(source, message, status_code=status)
