"""Opaque, signed, expiring pagination cursors.

A cursor carries each source's own position (a keyset, a page number, a Link URL, an offset)
and the digest of the query it belongs to. It is signed with the gateway's cursor secret, so a
tampered cursor, one from another filter or ordering, or an expired one is refused with
`InvalidCursor` instead of silently skipping or repeating recordings.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from gateway.errors import InvalidCursor
from gateway.signing import BadSignature, Expired, Signer

__all__ = ["CursorCodec", "query_digest"]


def query_digest(query: Any) -> str:
    """A short digest of a JSON-able description of the filter and ordering."""
    canonical = json.dumps(query, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class CursorCodec:
    def __init__(self, secret: str, *, ttl_s: float, clock: Callable[[], float] = time.time) -> None:
        self._signer = Signer(secret, "cursor", clock=clock)
        self.ttl_s = ttl_s

    def encode(self, digest: str, positions: dict[str, Any]) -> str:
        return self._signer.sign({"q": digest, "p": positions}, ttl_s=self.ttl_s)

    def decode(self, cursor: str, digest: str) -> dict[str, Any]:
        """The positions in `cursor`, checked against the query `digest` it must belong to."""
        try:
            data = self._signer.verify(cursor)
        except BadSignature as exc:
            raise InvalidCursor(
                "the cursor is malformed" if str(exc) == "malformed" else "the cursor is not one this gateway issued"
            ) from exc
        except Expired as exc:
            raise InvalidCursor("the cursor has expired; start again from the first page") from exc
        if data.get("q") != digest:
            raise InvalidCursor("the cursor belongs to another filter or ordering")
        positions: dict[str, Any] = data["p"]
        return positions
