"""Assemble the Genesys Engage Web Services (GWS/RWS) sandbox: `create_app` and `connection_info`.

Routes, under ``/api/v2``:

- ``GET /diagnostics/version`` (no auth), ``GET /me``
- ``GET /recordings?<query>``, ``GET /recordings/{recordingId}``,
  ``GET /recordings/{recordingId}/play/{fileUuid}.{ext}`` (Contact Center Admin)
- ``GET|POST /ops/contact-centers/{contactCenterId}/recordings``,
  ``GET|DELETE /ops/contact-centers/{contactCenterId}/recordings/{recordingId}`` (OPS admin)
- ``POST /recordings`` and ``DELETE /recordings/{recordingId}``: refused (statusCode 5)

plus ``GET /openapi.json`` and the kit's ``/_sandbox/`` admin API. The recordings live in a
`RecordingStore` on a SQLite file in a temporary directory that the app's lifespan creates,
seeds and removes; the kit's `build_app` takes no lifespan, so `create_app` installs it as
``app.router.lifespan_context``. Run the app under a lifespan (uvicorn, or
``asgi_lifespan.LifespanManager`` around ``httpx.ASGITransport``).
"""

from __future__ import annotations

import contextlib
import secrets
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from gateway.store import MediaRemover, RecordingStore
from sandboxes.genesys_engage import ops, recordings, service
from sandboxes.genesys_engage.auth import ADMIN, OPS, account
from sandboxes.genesys_engage.csrf import CsrfSessions
from sandboxes.genesys_engage.data import seed_store
from sandboxes.genesys_engage.errors import EngageErrors, error_handlers
from sandboxes.genesys_engage.openapi import openapi
from sandboxes.genesys_engage.state import CONTACT_CENTER_ID, KIND, Engage, ServerSettings
from sandboxes.genesys_engage.storage import webdav_client
from sandboxes.genesys_engage.wire import API_ROOT
from sandboxes.kit import SandboxConfig, build_app
from sandboxes.world import anchor_now

__all__ = ["KIND", "connection_info", "create_app"]

_RECORDINGS = f"{API_ROOT}/recordings"
_OPS = f"{API_ROOT}/ops/contact-centers/{{contactCenterId}}/recordings"
_Lifespan = Callable[[Starlette], AbstractAsyncContextManager[dict[str, Engage]]]


def _routes() -> list[BaseRoute]:
    return [
        Route(f"{API_ROOT}/diagnostics/version", service.version, methods=["GET"]),
        Route(f"{API_ROOT}/me", service.me, methods=["GET"]),
        Route(_RECORDINGS, recordings.list_recordings, methods=["GET"]),
        Route(_RECORDINGS, recordings.not_here, methods=["POST"]),
        Route(f"{_RECORDINGS}/{{recordingId}}", recordings.get_recording, methods=["GET"]),
        Route(f"{_RECORDINGS}/{{recordingId}}", recordings.not_here, methods=["DELETE"]),
        Route(f"{_RECORDINGS}/{{recordingId}}/play/{{fileName}}", recordings.play, methods=["GET"]),
        Route(_OPS, ops.list_recordings, methods=["GET"]),
        Route(_OPS, ops.create_recording, methods=["POST"]),
        Route(f"{_OPS}/{{recordingId}}", ops.get_recording, methods=["GET"]),
        Route(f"{_OPS}/{{recordingId}}", ops.delete_recording, methods=["DELETE"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]


def _lifespan(settings: ServerSettings, config: SandboxConfig, anchor: datetime) -> _Lifespan:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Engage]]:
        with tempfile.TemporaryDirectory(prefix="engage-sandbox-") as tmp:
            store = await RecordingStore.open(f"sqlite+aiosqlite:///{Path(tmp) / 'engage.db'}")
            try:
                await seed_store(store, config.seed, config.size, anchor=anchor, region=settings.region)
                objects = Path(tmp) / "objects"
                objects.mkdir()
                async with webdav_client() as http:
                    yield {"engage": Engage(settings, store, MediaRemover(objects, http))}
            finally:
                await store.aclose()

    return lifespan


def create_app(config: SandboxConfig | None = None, *, region: str = "us-east", csrf: bool = True) -> Starlette:
    """A GWS server of `region` holding `config.size` recordings (most in `region`, a few elsewhere).

    `csrf` turns on CSRF protection: POST and DELETE then need the ``X-CSRF-TOKEN`` header and
    the ``JSESSIONID`` cookie that any GET hands out.
    """
    config = config or SandboxConfig()
    app = build_app(
        _routes(),
        errors=EngageErrors(),
        stated_limit=None,  # GWS publishes no rate limits; the rate_limit knob can still set one
        knobs=config.knobs,
        seed=config.seed,
        exception_handlers=error_handlers(),
    )
    # Inside the kit's middleware, so CSRF refusals are counted and faulted like any request.
    app.user_middleware.append(Middleware(CsrfSessions, secret=secrets.token_bytes(32), enforce=csrf))
    settings = ServerSettings(region=region)
    app.router.lifespan_context = _lifespan(settings, config, config.anchor or anchor_now())
    return app


def connection_info(base_url: str, *, region: str = "us-east") -> dict[str, str]:
    """What a client needs: the ``/api/v2`` base URL, the Contact Center Admin's and OPS admin's
    Basic credentials, the contact center id and the server's region."""
    admin, ops_admin = account(ADMIN), account(OPS)
    return {
        "base_url": f"{base_url.rstrip('/')}{API_ROOT}",
        "username": admin.username,
        "password": admin.password,
        "ops_username": ops_admin.username,
        "ops_password": ops_admin.password,
        "contact_center_id": CONTACT_CENTER_ID,
        "region": region,
    }
