"""Each vendor sandbox started in-process with working credentials, for tests that walk them all."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from sandboxes import bandwidth, genesys_cloud, genesys_engage, webex
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.runner import KINDS
from tests.sandboxes.clock import FakeClock

__all__ = ["ANCHOR", "BASE", "KINDS", "Opened", "opened"]

ANCHOR = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
BASE = "http://sandbox"
_MODULES: dict[str, ModuleType] = {
    "genesys_cloud": genesys_cloud,
    "webex": webex,
    "bandwidth": bandwidth,
    "genesys_engage": genesys_engage,
}


@dataclasses.dataclass
class Opened:
    """A running sandbox: its app, a client holding its reader's credentials, and its clock.

    `path_values` fill the path parameters that must name the caller's own resources (the
    Catapult user, the Engage contact center); `query` is what every listing needs besides
    its paging parameters (an Engage search parameter).
    """

    kind: str
    app: Starlette
    client: httpx.AsyncClient
    clock: FakeClock
    path_values: dict[str, str]
    query: dict[str, str]


def _app(kind: str, config: SandboxConfig, clock: FakeClock) -> tuple[Starlette, dict[str, str], dict[str, str]]:
    if kind == "genesys_cloud":
        return genesys_cloud.create_app(config, clock=clock), {}, {}
    if kind == "webex":
        return webex.create_app(config, clock=lambda: datetime.fromtimestamp(clock(), UTC)), {}, {}
    if kind == "bandwidth":
        settings = bandwidth.CatapultSettings(in_progress=0, clock=clock)
        user = bandwidth.connection_info(BASE)["user_id"]
        return bandwidth.create_app(config, settings), {"userId": user}, {}
    center = genesys_engage.connection_info(BASE)["contact_center_id"]
    return genesys_engage.create_app(config, csrf=False), {"contactCenterId": center}, {"startTime": "0"}


async def _credentials(kind: str, client: httpx.AsyncClient) -> None:
    info: dict[str, Any] = _MODULES[kind].connection_info(BASE)
    if kind == "genesys_cloud":
        grant = {"grant_type": "client_credentials"}
        token = await client.post("/oauth/token", data=grant, auth=(info["client_id"], info["client_secret"]))
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    elif kind == "webex":
        client.headers["Authorization"] = f"Bearer {info['token']}"
    elif kind == "bandwidth":
        client.auth = httpx.BasicAuth(info["api_token"], info["api_secret"])
    else:
        client.auth = httpx.BasicAuth(info["username"], info["password"])


@contextlib.asynccontextmanager
async def opened(kind: str, *, size: int = 300, rate_limits: bool = False) -> AsyncIterator[Opened]:
    """Sandbox `kind` under its lifespan, on a stopped clock at `ANCHOR`, its reader signed in."""
    clock = FakeClock(origin=ANCHOR.timestamp())
    config = SandboxConfig(seed=5, size=size, anchor=ANCHOR, knobs=Knobs(rate_limits=rate_limits))
    app, path_values, query = _app(kind, config, clock)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url=BASE) as client,
    ):
        await _credentials(kind, client)
        yield Opened(kind, app, client, clock, path_values, query)
