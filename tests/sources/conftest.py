"""Connectors against vendor sandboxes running under real uvicorn on loopback."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.datastructures import Secret

from gateway.app import create_app
from gateway.config import Settings, SourceConfig
from gateway.models import SourceKind
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.runner import RunningSandbox, start_sandboxes, stop_sandboxes


@asynccontextmanager
async def running_sandbox(kind: str, *, size: int = 60, rate_limits: bool = False) -> AsyncIterator[RunningSandbox]:
    (sandbox,) = await start_sandboxes([kind], SandboxConfig(seed=7, size=size, knobs=Knobs(rate_limits=rate_limits)))
    try:
        yield sandbox
    finally:
        await stop_sandboxes([sandbox])


def source_config(sandbox: RunningSandbox, instance: str, credentials: dict[str, str], **options: Any) -> SourceConfig:
    """The source `instance` on `sandbox`, unpaced unless `options` set a ``rate_limit``: most tests
    lift the sandbox's limits (the pacing has tests of its own)."""
    options.setdefault("rate_limit", False)
    return SourceConfig(
        instance,
        SourceKind(sandbox.kind),
        sandbox.connection["base_url"],
        {name: Secret(value) for name, value in credentials.items()},
        options,
    )


@asynccontextmanager
async def gateway_for(
    tmp_path: Path,
    *sources: SourceConfig,
    redis_url: str | None = None,
    **settings_fields: Any,
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        data_dir=tmp_path, cursor_secret=Secret("test"), sources=sources, redis_url=redis_url, **settings_fields
    )
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway", timeout=30
        ) as client,
    ):
        yield client


class Counts:
    """The requests a sandbox served, per route template, read through its admin API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    async def read(self) -> dict[str, int]:
        async with httpx.AsyncClient() as http:
            endpoints: dict[str, int] = (await http.get(f"{self.base_url}/_sandbox/counts")).json()["endpoints"]
            return endpoints

    async def throttled(self) -> int:
        """How many requests the sandbox answered 429 (rate limit or injected)."""
        async with httpx.AsyncClient() as http:
            throttled: int = (await http.get(f"{self.base_url}/_sandbox/counts")).json()["throttled"]
            return throttled

    async def reset(self) -> None:
        async with httpx.AsyncClient() as http:
            await http.delete(f"{self.base_url}/_sandbox/counts")

    async def knobs(self, **changes: Any) -> None:
        async with httpx.AsyncClient() as http:
            response = await http.patch(f"{self.base_url}/_sandbox/knobs", json=changes)
            assert response.status_code == 200, response.text


@pytest.fixture
def counts() -> Callable[[RunningSandbox], Counts]:
    return lambda sandbox: Counts(sandbox.base_url)
