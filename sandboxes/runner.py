"""Start vendor sandboxes on loopback and say how to connect to them."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
from collections.abc import Sequence
from typing import Any

from starlette.datastructures import Secret

from gateway.config import SourceConfig
from gateway.models import SourceKind
from sandboxes.kit import SandboxConfig
from sandboxes.serving import EmbeddedServer, start_server, stop_server

__all__ = ["KINDS", "RunningSandbox", "start_sandboxes", "stop_sandboxes"]

# Connection details that are not credentials.
_NOT_CREDENTIALS = ("base_url", "kind")

KINDS = ("genesys_cloud", "webex", "bandwidth", "genesys_engage")


@dataclasses.dataclass
class RunningSandbox:
    kind: str
    base_url: str
    connection: dict[str, Any]
    server: EmbeddedServer
    task: asyncio.Task[None]

    @property
    def source_config(self) -> SourceConfig:
        """How the gateway connects to this sandbox, as a configured source ``<kind>-sandbox``."""
        credentials = {
            name: Secret(str(value)) for name, value in self.connection.items() if name not in _NOT_CREDENTIALS
        }
        return SourceConfig(
            f"{self.kind.replace('_', '-')}-sandbox", SourceKind(self.kind), self.connection["base_url"], credentials
        )


async def start_sandboxes(
    kinds: Sequence[str], config: SandboxConfig, *, host: str = "127.0.0.1", port_base: int = 0
) -> list[RunningSandbox]:
    """Start each sandbox (port `port_base` + its index in `KINDS`, or free ports when 0)."""
    running: list[RunningSandbox] = []
    try:
        for kind in kinds:
            module = importlib.import_module(f"sandboxes.{kind}")
            port = port_base + KINDS.index(kind) if port_base else 0
            server, task = await start_server(module.create_app(config), host, port)
            base_url = f"http://{host}:{server.config.port}"
            running.append(RunningSandbox(kind, base_url, module.connection_info(base_url), server, task))
    except BaseException:
        await stop_sandboxes(running)
        raise
    return running


async def stop_sandboxes(running: Sequence[RunningSandbox]) -> None:
    await asyncio.gather(*(stop_server(sandbox.server, sandbox.task) for sandbox in running))
