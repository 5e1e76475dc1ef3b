"""Fixtures for the Genesys Cloud sandbox tests: a small seeded app on a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from sandboxes.genesys_cloud import create_app
from sandboxes.kit import SandboxConfig
from tests.sandboxes.clock import FakeClock
from tests.sandboxes.genesys_cloud.genesys_support import ANCHOR, BASE, token_for


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(clock: FakeClock) -> Starlette:
    return create_app(SandboxConfig(seed=7, size=400, anchor=ANCHOR), clock=clock)


@pytest.fixture
async def anon(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client without a bearer token."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        yield client


@pytest.fixture
async def client(anon: httpx.AsyncClient) -> httpx.AsyncClient:
    """The same client, authorized with a fresh bearer token."""
    anon.headers["Authorization"] = f"Bearer {await token_for(anon)}"
    return anon
