"""What every Catapult handler works with: the account, its credentials, and the auth check."""

from __future__ import annotations

import dataclasses

from starlette.requests import Request

from sandboxes.bandwidth.credentials import Credentials
from sandboxes.bandwidth.data import Account
from sandboxes.bandwidth.errors import CatapultError

__all__ = ["Context"]


@dataclasses.dataclass(frozen=True)
class Context:
    """One sandbox's data and credentials, shared by its route handlers."""

    account: Account
    credentials: Credentials

    def authorize(self, request: Request) -> None:
        """401 unless Basic auth holds this user's token and secret and the path names this user."""
        if self.credentials.token_of(request) is None:
            raise CatapultError.unauthorized("unauthorized", "The API token and secret are not valid")
        path_user = request.path_params.get("userId")
        if path_user is not None and path_user != self.credentials.user_id:
            message = f"User {self.credentials.user_id} does not have permission to access user {path_user}"
            raise CatapultError.unauthorized("user-access-denied", message)

    def authorize_path(self, request: Request) -> None:
        """The auth check for a request no route matched: only API paths need credentials."""
        if request.url.path.startswith("/v1/"):
            self.authorize(request)
