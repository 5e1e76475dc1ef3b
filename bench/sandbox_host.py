"""The four vendor sandboxes in a process of their own, each behind a `RequestLog`.

    python -m bench.sandbox_host SIZE LATENCY_MS JITTER_MS

Prints one JSON line (`HostedSandbox` fields per sandbox) once every sandbox accepts
connections, and serves until its standard input closes. A process apart from the gateway's, so
the gateway's memory and CPU figures are its own. Rate limits start lifted (the bench turns them
on for W5 through ``PATCH /_sandbox/knobs``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

from bench import REPOSITORY
from bench.request_log import RequestLog
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.runner import KINDS
from sandboxes.serving import start_server, stop_server

__all__ = ["HostedSandbox", "hosted_sandboxes"]

READY_WITHIN_S = 300
STOP_WITHIN_S = 30


@dataclasses.dataclass(frozen=True)
class HostedSandbox:
    """One sandbox: its kind, server root (admin and log routes), connection details for the
    gateway (as `sandboxes.runner.RunningSandbox.connection`) and stated rate limit."""

    kind: str
    root_url: str
    connection: dict[str, str]
    limit: int | None
    period_s: float | None

    @property
    def instance(self) -> str:
        """The source id the gateway's embedded setup gives it (``genesys-cloud-sandbox``)."""
        return f"{self.kind.replace('_', '-')}-sandbox"


async def _serve(size: int, latency_ms: float, jitter_ms: float) -> None:
    config = SandboxConfig(size=size, knobs=Knobs(latency_ms=latency_ms, jitter_ms=jitter_ms, rate_limits=False))
    servers, described = [], []
    for kind in KINDS:
        module = importlib.import_module(f"sandboxes.{kind}")
        app = module.create_app(config)
        server, task = await start_server(RequestLog(app))
        servers.append((server, task))
        root_url = f"http://127.0.0.1:{server.config.port}"
        stated = app.state.sandbox.stated_limit
        connection = {k: str(v) for k, v in module.connection_info(root_url).items()}
        limit, period_s = (stated.limit, stated.period_s) if stated else (None, None)
        described.append(HostedSandbox(kind, root_url, connection, limit, period_s))
    print(json.dumps([dataclasses.asdict(d) for d in described]), flush=True)
    await asyncio.to_thread(sys.stdin.read)  # until the bench closes our standard input
    await asyncio.gather(*(stop_server(server, task) for server, task in servers))


@contextlib.asynccontextmanager
async def hosted_sandboxes(size: int, latency_ms: float, jitter_ms: float) -> AsyncIterator[list[HostedSandbox]]:
    """Start the sandbox process; yield its sandboxes; stop it (killed if it does not stop in time)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.sandbox_host",
        str(size),
        str(latency_ms),
        str(jitter_ms),
        cwd=REPOSITORY,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), READY_WITHIN_S)
        if not line:
            raise RuntimeError("the sandbox process exited before it was ready")
        rows: list[dict[str, Any]] = json.loads(line)
        yield [HostedSandbox(**row) for row in rows]
    finally:
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), STOP_WITHIN_S)
        except TimeoutError:
            process.kill()
            await process.wait()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])))
