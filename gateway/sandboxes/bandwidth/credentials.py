"""The sandbox user's Catapult credentials: HTTP Basic with the API token and secret."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac

__all__ = ["DEFAULT_CREDENTIALS", "Credentials"]


@dataclasses.dataclass(frozen=True)
class Credentials:
    """One Catapult user (`user_id` is a path segment) and its API token and secret."""

    user_id: str
    api_token: str
    api_secret: str = dataclasses.field(repr=False)

    def token_of(self, authorization: str | None) -> str | None:
        """The API token when `authorization` is Basic with this token and secret, else None."""
        scheme, _, encoded = (authorization or "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        token, _, secret = decoded.partition(":")
        expected = f"{self.api_token}:{self.api_secret}".encode()
        return token if hmac.compare_digest(f"{token}:{secret}".encode(), expected) else None


DEFAULT_CREDENTIALS = Credentials(
    user_id="u-xa2n3oxk6it4efbglisna6a",
    api_token="t-5bq3xmz7hk2cw6anpd4rt7y",
    api_secret="Sandb0xCatapultSecretForRecordingsV1api7",
)
