"""Signed, expiring tokens (cursors, media links): JSON payload + truncated HMAC-SHA256.

Each use has its own purpose string, mixed into the key, so a token made for one use is never
accepted by another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

__all__ = ["BadSignature", "Expired", "Signer"]


class BadSignature(ValueError):
    """The token is malformed or was not made with this key and purpose."""


class Expired(ValueError):
    """The token is genuine but too old."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    def __init__(self, secret: str, purpose: str, *, clock: Callable[[], float] = time.time) -> None:
        self._key = hashlib.sha256(f"{purpose}\x00{secret}".encode()).digest()
        self._clock = clock

    def _mac(self, payload: bytes) -> str:
        return _b64(hmac.new(self._key, payload, hashlib.sha256).digest()[:18])

    def sign(self, data: Any, *, ttl_s: float) -> str:
        payload = json.dumps({"d": data, "x": int(self._clock() + ttl_s)}, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{self._mac(payload)}"

    def expiry(self, token: str) -> float:
        return float(self._open(token)["x"])

    def _open(self, token: str) -> dict[str, Any]:
        try:
            body, mac = token.split(".")
            payload = _unb64(body)
        except (ValueError, TypeError) as exc:
            raise BadSignature("malformed") from exc
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise BadSignature("not signed by this key")
        opened: dict[str, Any] = json.loads(payload)
        return opened

    def verify(self, token: str) -> Any:
        """The data in `token`; `BadSignature` or `Expired` otherwise."""
        opened = self._open(token)
        if self._clock() > opened["x"]:
            raise Expired("expired")
        return opened["d"]
