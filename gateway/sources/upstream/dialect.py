"""How a vendor says a call failed: the HTTP status by default, overridable per vendor."""

from __future__ import annotations

import email.utils
import time

import httpx

from gateway.errors import (
    GatewayError,
    NotFound,
    SourceAuthError,
    SourceRateLimited,
    SourceRejected,
    SourceTimeout,
    SourceUnavailable,
)

__all__ = ["Dialect"]


class Dialect:
    """Maps a vendor response to a gateway error (or None for success). Subclass per vendor."""

    def retry_after_s(self, response: httpx.Response) -> float | None:
        """The vendor's wait hint on a 429/503: ``Retry-After`` (seconds or an HTTP date) here."""
        value = response.headers.get("retry-after")
        if value is None:
            return None
        if value.strip().isdigit():
            return float(value)
        moment = email.utils.parsedate_to_datetime(value)
        return max(0.0, moment.timestamp() - time.time())

    def failure(self, source: str, response: httpx.Response) -> GatewayError | None:
        status = response.status_code
        if status < 400:
            return None
        what = f"{response.request.method} {response.request.url.path} answered {status}"
        if status in (401, 403):
            return SourceAuthError(source, what, status_code=status)
        if status == 404:
            return NotFound(f"{source}: not found ({what})")
        if status in (408, 504):
            return SourceTimeout(source, what, status_code=status)
        if status == 429:
            return SourceRateLimited(source, what, retry_after_s=self.retry_after_s(response))
        if status >= 500:
            return SourceUnavailable(source, what, status_code=status)
        return SourceRejected(source, what, status_code=status)
