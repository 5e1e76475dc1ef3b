"""The caller behind the current upstream call, without threading it through every signature.

The GraphQL view sets the scope when it builds a request's context; connectors read it (through
`Upstream`) for cache visibility and freshness. Tasks and dataloader batches started while
handling the request inherit it (contextvars), so concurrent requests never see each other's.
"""

from __future__ import annotations

import contextvars
import dataclasses

from gateway.principal import DEVELOPMENT_PRINCIPAL, Principal

__all__ = ["RequestScope", "current_scope", "use_scope"]


@dataclasses.dataclass(frozen=True)
class RequestScope:
    principal: Principal
    # The client asked for fresh data (Cache-Control: no-cache): skip cached reads, refill.
    fresh: bool = False


_SCOPE: contextvars.ContextVar[RequestScope] = contextvars.ContextVar("recgate_scope")
_OUTSIDE_REQUESTS = RequestScope(DEVELOPMENT_PRINCIPAL)


def current_scope() -> RequestScope:
    """The scope of the request being handled (outside requests: the development principal)."""
    return _SCOPE.get(_OUTSIDE_REQUESTS)


def use_scope(scope: RequestScope) -> None:
    """Make `scope` current for the rest of this task and the tasks it starts."""
    _SCOPE.set(scope)
