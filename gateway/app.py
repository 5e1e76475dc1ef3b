"""`create_app`: the gateway's Starlette application (GraphQL, health, readiness)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, TypedDict

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from gateway.config import Settings
from gateway.context import Context, RequestScope, principal_for, use_scope
from gateway.media import media_endpoint
from gateway.services import Services
from resolvers.errors import with_code
from resolvers.schema import schema

__all__ = ["create_app"]


class State(TypedDict):
    services: Services


class GatewayGraphQL(GraphQL[Context, None]):
    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        principal = principal_for(request)
        fresh = "no-cache" in request.headers.get("cache-control", "")
        use_scope(RequestScope(principal, fresh=fresh))
        return Context(services=request.state.services, principal=principal, connection=request)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = [e if (e.extensions or {}).get("code") else with_code(e) for e in result.errors]
        return process_result(result)


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "up"})


async def readyz(request: Request) -> JSONResponse:
    """Ready when the store and the cache both answer."""
    services: Services = request.state.services
    checks = {}
    for name, ping in (("store", services.store.ping), ("cache", services.cache.ping)):
        try:
            await ping()
            checks[name] = "ok"
        except Exception as exc:
            checks[name] = f"unreachable: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
    )


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the gateway; reads the environment only when no `settings` are given."""
    settings = settings or Settings.from_environ()

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[State]:
        services = await Services.open(settings)
        try:
            yield {"services": services}
        finally:
            await services.aclose()

    graphql = GatewayGraphQL(schema, graphql_ide="graphiql")
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/media/{ticket}", media_endpoint),
        ],
        lifespan=lifespan,
    )
