"""The gateway's one exception tree. Every error a client may see carries a stable `code`.

    GatewayError                      code
    ├── BadInput                      BAD_USER_INPUT   (with per-field `field_errors`)
    ├── InvalidCursor                 INVALID_CURSOR
    ├── InvalidId                     INVALID_ID
    ├── NotFound                      NOT_FOUND
    ├── Forbidden                     FORBIDDEN
    ├── Unsupported                   UNSUPPORTED      (the source cannot do that)
    ├── StoreError                    STORE_ERROR
    ├── CacheUnavailable              CACHE_UNAVAILABLE
    └── SourceError                   SOURCE_ERROR     (with `.source`, the instance id)
        ├── SourceTimeout             SOURCE_TIMEOUT
        ├── SourceUnavailable         SOURCE_UNAVAILABLE
        ├── SourceAuthError           SOURCE_AUTH_FAILED
        ├── SourceRejected            SOURCE_REJECTED  (the source refused the request: 4xx)
        └── SourceRateLimited         SOURCE_RATE_LIMITED (with `.retry_after_s` when the vendor says)

Resolvers raise these; `resolvers.errors.ErrorCodes` turns them into GraphQL errors whose
``extensions`` hold ``code`` plus `extensions()`. Anything else is masked as INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

__all__ = [
    "BadInput",
    "CacheUnavailable",
    "FieldError",
    "Forbidden",
    "GatewayError",
    "InvalidCursor",
    "InvalidId",
    "NotFound",
    "SourceAuthError",
    "SourceError",
    "SourceRateLimited",
    "SourceRejected",
    "SourceTimeout",
    "SourceUnavailable",
    "StoreError",
    "Unsupported",
]


class GatewayError(Exception):
    """Root of every error the gateway reports to clients."""

    code: ClassVar[str] = "GATEWAY_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def extensions(self) -> dict[str, Any]:
        """What goes into the GraphQL error's ``extensions`` besides ``code``."""
        return {}


@dataclasses.dataclass(frozen=True)
class FieldError:
    """One rejected input field: a JSON-ish path such as ``mediaFiles[0].startTime``."""

    field: str
    message: str


class BadInput(GatewayError):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, field_errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.field_errors = field_errors or []

    def extensions(self) -> dict[str, Any]:
        if not self.field_errors:
            return {}
        return {"fieldErrors": [{"field": e.field, "message": e.message} for e in self.field_errors]}


class InvalidCursor(GatewayError):
    code = "INVALID_CURSOR"


class InvalidId(GatewayError):
    code = "INVALID_ID"


class NotFound(GatewayError):
    code = "NOT_FOUND"


class Forbidden(GatewayError):
    code = "FORBIDDEN"


class Unsupported(GatewayError):
    code = "UNSUPPORTED"


class StoreError(GatewayError):
    code = "STORE_ERROR"


class CacheUnavailable(GatewayError):
    code = "CACHE_UNAVAILABLE"


class SourceError(GatewayError):
    """A failure of one upstream source instance."""

    code = "SOURCE_ERROR"

    def __init__(self, source: str, message: str, *, status_code: int | None = None) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.status_code = status_code

    def extensions(self) -> dict[str, Any]:
        return {"source": self.source}


class SourceTimeout(SourceError):
    code = "SOURCE_TIMEOUT"


class SourceUnavailable(SourceError):
    code = "SOURCE_UNAVAILABLE"


class SourceAuthError(SourceError):
    code = "SOURCE_AUTH_FAILED"


class SourceRejected(SourceError):
    code = "SOURCE_REJECTED"


class SourceRateLimited(SourceError):
    code = "SOURCE_RATE_LIMITED"

    def __init__(
        self, source: str, message: str, *, status_code: int | None = 429, retry_after_s: float | None = None
    ) -> None:
        super().__init__(source, message, status_code=status_code)
        self.retry_after_s = retry_after_s
