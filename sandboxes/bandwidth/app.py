"""The Bandwidth Catapult v1 sandbox: one user's call recordings, their calls and media files.

Build it with `create_app(SandboxConfig(seed, size, anchor, knobs), CatapultSettings(...))`;
`connection_info(base_url)` gives a connector (or the ``bandwidth-sdk`` ``voice`` client, as
``api_endpoint``) what it needs to reach it. Every resource family (recordings, calls, media)
is limited to 1 request per 1000 ms per API token, as Catapult documents.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sandboxes.bandwidth import calls, media, openapi, recordings
from sandboxes.bandwidth.context import Context
from sandboxes.bandwidth.credentials import DEFAULT_CREDENTIALS, Credentials
from sandboxes.bandwidth.data import Account, Lifecycle, generate
from sandboxes.bandwidth.errors import CatapultErrors, exception_handlers
from sandboxes.kit import RateLimit, SandboxConfig, build_app

__all__ = ["KIND", "STATED_LIMIT", "CatapultSettings", "connection_info", "create_app"]

KIND = "bandwidth"
STATED_LIMIT = RateLimit(limit=1, period_s=1.0)


@dataclasses.dataclass(frozen=True)
class CatapultSettings:
    """Catapult-specific settings: the user's credentials and the live recordings' life cycle.

    The newest `in_progress` recordings are ``recording`` when the app starts, ``saving`` from
    `saving_after_s` seconds on and ``complete`` from `complete_after_s` on, by `clock` (epoch
    seconds), which also times the rate-limit windows and their ``X-RateLimit-Reset``.
    """

    credentials: Credentials = DEFAULT_CREDENTIALS
    in_progress: int = 3
    saving_after_s: float = 2.0
    complete_after_s: float = 4.0
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if self.in_progress < 0 or not 0 <= self.saving_after_s <= self.complete_after_s:
            raise ValueError("need in_progress >= 0 and 0 <= saving_after_s <= complete_after_s")


async def _openapi(request: Request) -> Response:
    return JSONResponse(openapi.document(STATED_LIMIT))


def create_app(config: SandboxConfig | None = None, settings: CatapultSettings | None = None) -> Starlette:
    """A Catapult sandbox app; ``app.state.catapult`` is its `Context`, ``app.state.sandbox`` its kit state."""
    config = config or SandboxConfig()
    settings = settings or CatapultSettings()
    entries = generate(config, settings.in_progress)
    # The clock starts once the data exist, so building 100,000 entries eats no live time.
    lifecycle = Lifecycle(
        in_progress=settings.in_progress,
        saving_after_s=settings.saving_after_s,
        complete_after_s=settings.complete_after_s,
        clock=settings.clock,
        started=settings.clock(),
    )
    context = Context(Account.of(settings.credentials.user_id, entries, lifecycle), settings.credentials)
    routes: list[BaseRoute] = [
        *recordings.routes(context),
        *calls.routes(context),
        *media.routes(context),
        Route("/openapi.json", _openapi, methods=["GET"]),
    ]
    app = build_app(
        routes,
        errors=CatapultErrors(settings.credentials, settings.clock),
        stated_limit=STATED_LIMIT,
        knobs=config.knobs,
        seed=config.seed,
        exception_handlers=exception_handlers(context.authorize_path),
        clock=settings.clock,
    )
    app.state.catapult = context
    return app


def connection_info(base_url: str, credentials: Credentials = DEFAULT_CREDENTIALS) -> dict[str, str]:
    """Where and how to call the sandbox at `base_url` (the API root, without ``/v1``)."""
    return {
        "base_url": base_url,
        "user_id": credentials.user_id,
        "api_token": credentials.api_token,
        "api_secret": credentials.api_secret,
    }
