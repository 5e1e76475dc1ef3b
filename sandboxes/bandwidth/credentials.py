"""The sandbox user's Catapult credentials: HTTP Basic with the API token and secret."""

from __future__ import annotations

import dataclasses
import hmac

from starlette.requests import Request

from sandboxes.kit import basic_credentials

__all__ = ["DEFAULT_CREDENTIALS", "Credentials"]


@dataclasses.dataclass(frozen=True)
class Credentials:
    """One Catapult user (`user_id` is a path segment) and its API token and secret."""

    user_id: str
    api_token: str
    api_secret: str = dataclasses.field(repr=False)

    def token_of(self, request: Request) -> str | None:
        """The API token when the request's Basic credentials are this token and secret, else None."""
        pair = basic_credentials(request)
        if pair is None:
            return None
        expected = f"{self.api_token}:{self.api_secret}".encode()
        return pair[0] if hmac.compare_digest(f"{pair[0]}:{pair[1]}".encode(), expected) else None


DEFAULT_CREDENTIALS = Credentials(
    user_id="u-xa2n3oxk6it4efbglisna6a",
    api_token="t-5bq3xmz7hk2cw6anpd4rt7y",
    api_secret="Sandb0xCatapultSecretForRecordingsV1api7",
)
