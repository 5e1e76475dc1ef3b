"""How Webex says a call failed: the status, plus the error body's ``message`` and ``trackingId``."""

from __future__ import annotations

import httpx

from gateway.errors import GatewayError, NotFound, SourceAuthError, SourceRateLimited, SourceRejected
from gateway.sources.upstream import Dialect
from gateway.sources.upstream.pacer import RateLimit

__all__ = ["WebexDialect"]


def _vendor_message(response: httpx.Response) -> str | None:
    """``message (trackingId …)`` from a Webex error body; None when the body is not one."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return None
    tracking = body.get("trackingId") or response.headers.get("trackingid")
    return f"{body['message']} (trackingId {tracking})" if tracking else body["message"]


class WebexDialect(Dialect):
    # Webex publishes no numbers (its limits are dynamic) and counts per access token; 300 a
    # minute is what its sandbox holds it to.
    rate_limit = RateLimit(300, 60.0)

    def failure(self, source: str, response: httpx.Response) -> GatewayError | None:
        status = response.status_code
        if status == 423:
            # Locked: "temporarily unavailable", with a Retry-After like a 429.
            return SourceRateLimited(
                source, "the resource is locked", status_code=423, retry_after_s=self.retry_after_s(response)
            )
        error = super().failure(source, response)
        message = _vendor_message(response) if error is not None and 400 <= status < 500 and status != 429 else None
        if message is None:
            return error
        what = f"{response.request.method} {response.request.url.path} answered {status}: {message}"
        if isinstance(error, SourceAuthError):
            return SourceAuthError(source, what, status_code=status)
        if isinstance(error, NotFound):
            return NotFound(f"{source}: not found ({what})")
        if isinstance(error, SourceRejected):
            return SourceRejected(source, what, status_code=status)
        return error
