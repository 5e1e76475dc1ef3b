"""Bearer tokens with scopes: 401 for a missing, unknown or expired token, 403 for a missing scope.

The sandbox knows a fixed set of tokens (`TOKENS`); `connection_info` hands them out. Each
authenticated caller acts in one role, picked from the token's scopes the way Webex documents
it: a compliance officer, an administrator, or a user (who owns recordings and sees only those).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from starlette.requests import Request

from sandboxes.webex.errors import WebexError
from sandboxes.webex.wire import bearer_token

__all__ = [
    "ADMIN",
    "ADMIN_READ",
    "ADMIN_WRITE",
    "COMPLIANCE",
    "CO_READ",
    "CO_WRITE",
    "PEOPLE_READ",
    "PEOPLE_SCOPES",
    "READ_SCOPES",
    "TOKENS",
    "USER",
    "USER_READ",
    "USER_WRITE",
    "WRITE_SCOPES",
    "Token",
    "authorize",
    "read_role",
    "token_value",
    "write_role",
]

COMPLIANCE, ADMIN, USER = "compliance", "admin", "user"

CO_READ, CO_WRITE = "spark-compliance:recordings_read", "spark-compliance:recordings_write"
ADMIN_READ, ADMIN_WRITE = "spark-admin:recordings_read", "spark-admin:recordings_write"
USER_READ, USER_WRITE = "spark:recordings_read", "spark:recordings_write"
PEOPLE_READ = "spark:people_read"
PEOPLE_SCOPES = (PEOPLE_READ, "spark-admin:people_read")

READ_SCOPES = (CO_READ, ADMIN_READ, USER_READ)
WRITE_SCOPES = (ADMIN_WRITE, USER_WRITE)


@dataclasses.dataclass(frozen=True)
class Token:
    """One access token the sandbox accepts (or, when `expired`, rejects with 401)."""

    name: str
    value: str
    scopes: frozenset[str]
    expired: bool = False


TOKENS: tuple[Token, ...] = (
    Token("compliance", "webex-sandbox-compliance-officer", frozenset({CO_READ, CO_WRITE, PEOPLE_READ})),
    Token("admin", "webex-sandbox-admin", frozenset({ADMIN_READ, ADMIN_WRITE})),
    Token("user", "webex-sandbox-user", frozenset({USER_READ})),
    Token("user_write", "webex-sandbox-user-write", frozenset({USER_READ, USER_WRITE, PEOPLE_READ})),
    Token("expired", "webex-sandbox-expired", frozenset({CO_READ, CO_WRITE, PEOPLE_READ}), expired=True),
)


def token_value(name: str) -> str:
    """The token string of the predefined token called `name`."""
    return next(token.value for token in TOKENS if token.name == name)


def authorize(request: Request, any_of: Iterable[str]) -> Token:
    """The caller's token when it is valid and holds one of `any_of`; else the Webex 401/403."""
    value = bearer_token(request)
    token = next((token for token in TOKENS if token.value == value), None)
    if token is None or token.expired:
        raise WebexError(401)
    if token.scopes.isdisjoint(any_of):
        raise WebexError(403)
    return token


def read_role(token: Token) -> str:
    """Who a reader is: compliance officer first, then admin, else user."""
    if CO_READ in token.scopes:
        return COMPLIANCE
    return ADMIN if ADMIN_READ in token.scopes else USER


def write_role(token: Token) -> str:
    """Who a recycle-bin writer is: an admin holds ``spark-admin:recordings_write``, else a user."""
    return ADMIN if ADMIN_WRITE in token.scopes else USER
