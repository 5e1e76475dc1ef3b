"""Opaque, signed, expiring pagination cursors.

A cursor carries each source's own position (a keyset, a page number, a Link URL, an offset)
and the digest of the query it belongs to. It is signed with the gateway's cursor secret, so a
tampered cursor, one from another filter or ordering, or an expired one is refused with
`InvalidCursor` instead of silently skipping or repeating recordings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

from gateway.errors import InvalidCursor

__all__ = ["CursorCodec", "query_digest"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def query_digest(query: Any) -> str:
    """A short digest of a JSON-able description of the filter and ordering."""
    canonical = json.dumps(query, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class CursorCodec:
    def __init__(self, secret: str, *, ttl_s: float, clock: Callable[[], float] = time.time) -> None:
        self._key = secret.encode()
        self.ttl_s = ttl_s
        self._clock = clock

    def _sign(self, payload: bytes) -> str:
        return _b64(hmac.new(self._key, payload, hashlib.sha256).digest()[:18])

    def encode(self, digest: str, positions: dict[str, Any]) -> str:
        payload = json.dumps({"q": digest, "p": positions, "t": int(self._clock())}, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{self._sign(payload)}"

    def decode(self, cursor: str, digest: str) -> dict[str, Any]:
        """The positions in `cursor`, checked against the query `digest` it must belong to."""
        try:
            body, signature = cursor.split(".")
            payload = _unb64(body)
            valid = hmac.compare_digest(signature, self._sign(payload))
            data = json.loads(payload) if valid else None
        except (ValueError, TypeError) as exc:
            raise InvalidCursor("the cursor is malformed") from exc
        if data is None:
            raise InvalidCursor("the cursor is not one this gateway issued")
        if data.get("q") != digest:
            raise InvalidCursor("the cursor belongs to another filter or ordering")
        if self._clock() - data.get("t", 0) > self.ttl_s:
            raise InvalidCursor("the cursor has expired; start again from the first page")
        positions: dict[str, Any] = data["p"]
        return positions
