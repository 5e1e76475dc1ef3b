"""`create_app`: the Genesys Cloud sandbox as one Starlette app (API, OAuth, media, OpenAPI)."""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from ..kit import RateLimit, SandboxConfig, build_app
from .analytics import analytics_routes
from .annotations import annotation_routes
from .auth import Credentials, token_route
from .data import KIND
from .errors import GenesysErrors, exception_handlers
from .headers import IninHeaders
from .jobs import job_routes
from .keys import key_routes
from .media import media_route
from .openapi import openapi_route
from .orphans import orphan_routes
from .policies import policy_routes
from .recordings import recording_routes
from .settings import settings_routes
from .store import Store
from .userrecordings import user_recording_routes
from .users import user_routes

__all__ = ["DEFAULT_CREDENTIALS", "KIND", "STATED_LIMIT", "connection_info", "create_app"]

DEFAULT_CREDENTIALS = Credentials(
    client_id="5f0c1d6e-8c1a-4b8e-9a53-genesyssandbx", client_secret="sandbox-client-secret"
)
STATED_LIMIT = RateLimit(limit=300, period_s=60.0)  # token.rate.per.minute


def _routes(store: Store) -> list[BaseRoute]:
    return [
        token_route(store.tokens),
        openapi_route(store.tokens.credentials, STATED_LIMIT),
        media_route(),
        *user_recording_routes(),
        *recording_routes(),
        *annotation_routes(),
        *orphan_routes(),
        *policy_routes(),
        *key_routes(),
        *settings_routes(),
        *job_routes(),
        *user_routes(),
        *analytics_routes(),
    ]


def create_app(
    config: SandboxConfig | None = None,
    *,
    credentials: Credentials | None = None,
    clock: Callable[[], float] = time.time,
) -> Starlette:
    """A fresh sandbox: data seeded from `config`, one OAuth client, `clock` for expiries.

    Parameters:
        config: seed, size, anchor and starting knobs (defaults: `SandboxConfig()`).
        credentials: the OAuth client and token lifetime (default `DEFAULT_CREDENTIALS`).
        clock: epoch seconds; tests pass a fake one to expire tokens, URLs and rate-limit windows.
    """
    config = config or SandboxConfig()
    store = Store(config, credentials or DEFAULT_CREDENTIALS, clock)
    errors = GenesysErrors()
    app = build_app(
        _routes(store),
        errors=errors,
        stated_limit=STATED_LIMIT,
        knobs=config.knobs,
        seed=config.seed,
        exception_handlers=exception_handlers(),
        clock=clock,
    )
    app.add_middleware(IninHeaders, state=app.state.sandbox, errors=errors)
    app.state.genesys = store
    return app


def connection_info(base_url: str, credentials: Credentials | None = None) -> dict[str, str]:
    """What a client needs: the API base URL (token endpoint on the same origin) and the client."""
    credentials = credentials or DEFAULT_CREDENTIALS
    return {
        "base_url": base_url.rstrip("/"),
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
    }
