"""OAuth client credentials on ``POST /oauth/token`` and the bearer check on ``/api/v2``.

The token endpoint answers like ``login.mypurecloud.com``: Basic ``clientId:clientSecret`` and a
form body ``grant_type=client_credentials`` give ``{"access_token", "token_type": "bearer",
"expires_in"}``. An unknown client gets 400 and a wrong secret 401, both with the OAuth body
``{"error": "invalid_client", "description", "error_description"}``.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandboxes.kit import basic_credentials

from .errors import ApiError

__all__ = ["Credentials", "TokenStore", "token_route"]


@dataclasses.dataclass(frozen=True)
class Credentials:
    """The one OAuth client the sandbox knows, and how long its tokens live."""

    client_id: str
    client_secret: str
    token_ttl_s: int = 86400


def _oauth_error(status: int, error: str, description: str) -> Response:
    body = {"error": error, "description": description, "error_description": description}
    return JSONResponse(body, status_code=status)


class TokenStore:
    """Bearer tokens issued by the sandbox, each with its expiry on the sandbox clock."""

    def __init__(self, credentials: Credentials, clock: Callable[[], float]) -> None:
        self.credentials = credentials
        self.clock = clock
        self._expiry: dict[str, float] = {}

    def issue(self) -> str:
        token = secrets.token_urlsafe(48)
        self._expiry[token] = self.clock() + self.credentials.token_ttl_s
        return token

    def check(self, request: Request) -> None:
        """Raise the vendor's 401 unless `request` carries a live bearer token."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(
                401, "authentication.required", "No authentication bearer token specified in authorization header."
            )
        expiry = self._expiry.get(token.strip())
        if expiry is None or expiry <= self.clock():
            raise ApiError(401, "bad.credentials", "Invalid login credentials.")

    async def grant(self, request: Request) -> Response:
        """``POST /oauth/token``."""
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        grant_type = form.get("grant_type", [""])[0]
        pair = basic_credentials(request)
        if pair is None or pair[0] != self.credentials.client_id:
            return _oauth_error(400, "invalid_client", "client not found")
        if not secrets.compare_digest(pair[1], self.credentials.client_secret):
            return _oauth_error(401, "invalid_client", "authentication failed")
        if grant_type != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "grant type not supported")
        body = {"access_token": self.issue(), "token_type": "bearer", "expires_in": self.credentials.token_ttl_s}
        return JSONResponse(body)


def token_route(store: TokenStore) -> Route:
    """The token endpoint, on the same origin as the API (the SDK posts there for local hosts)."""
    return Route("/oauth/token", store.grant, methods=["POST"])
