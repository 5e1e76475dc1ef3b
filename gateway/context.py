"""Who is asking, and what one request carries: the principal, its scope, the resolvers' context.

The GraphQL view builds a `Context` per request and makes its `RequestScope` current; connectors
read the scope (through `Upstream`) for cache visibility and freshness. Tasks and dataloader
batches started while handling the request inherit it (contextvars), so concurrent requests never
see each other's.
"""

from __future__ import annotations

import contextvars
import dataclasses
import enum
import functools
import hashlib
from typing import TYPE_CHECKING, Any

from starlette.requests import HTTPConnection

from gateway.errors import GatewayError
from gateway.loaders import Loaders

if TYPE_CHECKING:
    from gateway.services import Services

__all__ = [
    "DEVELOPMENT_PRINCIPAL",
    "Context",
    "Principal",
    "Priority",
    "RequestScope",
    "current_scope",
    "principal_for",
    "use_scope",
]


@dataclasses.dataclass(frozen=True)
class Principal:
    """Who a request runs as. Everything per-caller (loaders, cache keys, events) reads it."""

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


class Priority(enum.IntEnum):
    """Who goes first when a source's rate budget is short: lower values first."""

    INTERACTIVE = 0  # a client is waiting (GraphQL requests)
    BACKGROUND = 1  # the gateway's own upkeep (index sync, state polling)


@dataclasses.dataclass(frozen=True)
class RequestScope:
    principal: Principal
    # The client asked for fresh data (Cache-Control: no-cache): skip cached reads, refill.
    fresh: bool = False
    # Read by the pacer: interactive calls take a source's rate slots before background ones.
    priority: Priority = Priority.INTERACTIVE


_SCOPE: contextvars.ContextVar[RequestScope] = contextvars.ContextVar("recgate_scope")
_OUTSIDE_REQUESTS = RequestScope(DEVELOPMENT_PRINCIPAL)


def current_scope() -> RequestScope:
    """The scope of the request being handled (outside requests: the development principal)."""
    return _SCOPE.get(_OUTSIDE_REQUESTS)


def use_scope(scope: RequestScope) -> None:
    """Make `scope` current for the rest of this task and the tasks it starts."""
    _SCOPE.set(scope)


@dataclasses.dataclass
class Context:
    """What every resolver receives as ``info.context``."""

    services: Services
    principal: Principal
    connection: HTTPConnection
    # Errors of one source that did not stop the others answering; reported next to the data.
    partial_errors: list[GatewayError] = dataclasses.field(default_factory=list)
    # Why fields answered null though nothing failed (e.g. a count a source cannot give).
    notices: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @functools.cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.services.sources, self.services.annotations)
