"""How a vendor says a call failed and how it counts calls: the HTTP status by default, a rate
key per credentials, no stated rate limit; each overridable per vendor."""

from __future__ import annotations

import email.utils
import time
from typing import ClassVar

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
from gateway.sources.upstream.pacer.rate import RateLimit

__all__ = ["Dialect"]


class Dialect:
    """Maps a vendor response to a gateway error (or None for success). Subclass per vendor."""

    # The vendor's stated limit per rate key; None: it states none (the source is not paced
    # unless configured, though its 429s still pause it).
    rate_limit: ClassVar[RateLimit | None] = None

    def rate_key(self, request: httpx.Request) -> str:
        """What the vendor's rate limit counts calls per, within its origin: the credentials here
        (the ``Authorization`` header; the pacer hashes it)."""
        return str(request.headers.get("authorization", ""))

    def retry_after_s(self, response: httpx.Response) -> float | None:
        """The vendor's wait hint on a 429/503: ``Retry-After`` (seconds or an HTTP date) here;
        None when absent or unreadable."""
        value = response.headers.get("retry-after", "").strip()
        if value.isdigit():
            return float(value)
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
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
