"""Who a request runs as. Everything per-caller (loaders, cache keys, events) reads it from here."""

from __future__ import annotations

import dataclasses
import hashlib

from starlette.requests import HTTPConnection

__all__ = ["DEVELOPMENT_PRINCIPAL", "Principal", "principal_for"]


@dataclasses.dataclass(frozen=True)
class Principal:
    id: str
    scopes: frozenset[str]

    @property
    def visibility(self) -> str:
        """What this caller may see, as a short digest: callers with the same scopes share cache entries."""
        return hashlib.sha256(",".join(sorted(self.scopes)).encode()).hexdigest()[:16]


DEVELOPMENT_PRINCIPAL = Principal("development", frozenset({"*"}))


def principal_for(connection: HTTPConnection) -> Principal:
    """The principal of an HTTP or websocket connection (one development principal for now)."""
    return DEVELOPMENT_PRINCIPAL
