"""HTTP Basic on every request, and the roles that decide who may do what.

The sandbox knows three accounts (`ACCOUNTS`): a Contact Center Admin (``ROLE_ADMIN``, assumed
name) who reads, queries and plays recordings under ``/api/v2/recordings``; the OPS admin
(``ROLE_OPS``, assumed name) who owns ``/api/v2/ops/contact-centers/{id}/recordings``; and an
agent (``ROLE_AGENT``), who may call ``/me`` and nothing else. Missing or wrong credentials
give HTTP 401 with statusCode 20; a known user without the needed role gets 403 statusCode 5.
"""

from __future__ import annotations

import dataclasses
import hmac

from starlette.requests import Request

from sandboxes.genesys_engage.errors import EngageError
from sandboxes.kit import basic_credentials

__all__ = ["ACCOUNTS", "ADMIN", "AGENT", "OPS", "Account", "account", "authenticate", "require"]

ADMIN, OPS, AGENT = "ROLE_ADMIN", "ROLE_OPS", "ROLE_AGENT"


@dataclasses.dataclass(frozen=True)
class Account:
    """One user the sandbox accepts, with the roles ``GET /api/v2/me`` reports."""

    id: str
    username: str
    password: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]


ACCOUNTS: tuple[Account, ...] = (
    Account(
        "2c4d1bce-27c5-4c4e-9d6a-5e6a1f0c0a01",
        "admin@engage-sandbox.example",
        "engage-sandbox-admin",
        "Sandra",
        "Admin",
        (ADMIN,),
    ),
    Account("2c4d1bce-27c5-4c4e-9d6a-5e6a1f0c0a02", "ops", "engage-sandbox-ops", "Ops", "Admin", (OPS,)),
    Account(
        "2c4d1bce-27c5-4c4e-9d6a-5e6a1f0c0a03",
        "agent@engage-sandbox.example",
        "engage-sandbox-agent",
        "Alex",
        "Agent",
        (AGENT,),
    ),
)


def account(role: str) -> Account:
    """The predefined account holding `role`."""
    return next(acc for acc in ACCOUNTS if role in acc.roles)


def authenticate(request: Request) -> Account:
    """The caller's account, or 401 statusCode 20 ("Access denied")."""
    credentials = basic_credentials(request)
    if credentials is not None:
        for acc in ACCOUNTS:
            if acc.username == credentials[0] and hmac.compare_digest(acc.password, credentials[1]):
                return acc
    raise EngageError(20)


def require(request: Request, role: str) -> Account:
    """The caller's account when it holds `role`; else 401 (code 20) or 403 (code 5)."""
    acc = authenticate(request)
    if role not in acc.roles:
        raise EngageError(5)
    return acc
