"""The gateway under test: ``recgate serve`` (uvicorn) in its own process, the sandboxes as its sources.

The sources go into a ``RECGATE_CONFIG`` TOML file whose credentials name environment variables
(``$BENCH_...``), so no credential is written to disk. Background work that would call vendors
on its own is off (state watching, index syncs), so every vendor request the sandboxes count
comes from a query the bench sent. A gateway is *paced* (each source calls its vendor at the
vendor's stated limit, the default) or not (``rate_limit = false`` on every source: only a 429's
pause holds calls back), for sandboxes whose limits are on or lifted.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import httpx

from bench import REPOSITORY
from bench.sandbox_host import HostedSandbox
from sandboxes.serving import free_port

__all__ = ["Gateway", "gateway_process"]

READY_WITHIN_S = 60
STOP_WITHIN_S = 15
# Connection details that are not credentials (as `sandboxes.runner.RunningSandbox.source_config` reads them).
_NOT_CREDENTIALS = ("base_url", "kind")


@dataclasses.dataclass(frozen=True)
class Gateway:
    base_url: str
    pid: int
    log: Path


def _sources(sandboxes: Sequence[HostedSandbox], *, paced: bool, wait_s: float | None) -> tuple[str, dict[str, str]]:
    """The TOML of every sandbox as a source (unpaced unless `paced`; a slot waited for at most
    `wait_s` outside a request's deadline), and the variables its credentials name."""
    lines, environ = [], {}
    for sandbox in sandboxes:
        table = f"sources.{sandbox.instance}"
        lines += [f"[{table}]", f'kind = "{sandbox.kind}"', f'base_url = "{sandbox.connection["base_url"]}"']
        if not paced:
            lines.append("rate_limit = false")
        if wait_s is not None:
            lines.append(f"rate_max_wait_s = {wait_s}")
        lines.append(f"[{table}.credentials]")
        for name, value in sandbox.connection.items():
            if name not in _NOT_CREDENTIALS:
                variable = re.sub(r"\W", "_", f"BENCH_{sandbox.instance}_{name}").upper()
                environ[variable] = value
                lines.append(f'{name} = "${variable}"')
    return "\n".join(lines) + "\n", environ


async def _wait_ready(process: asyncio.subprocess.Process, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_WITHIN_S
    async with httpx.AsyncClient() as http:
        while True:  # poll readiness until the deadline
            with contextlib.suppress(httpx.TransportError):
                if (await http.get(f"{base_url}/readyz")).status_code == 200:
                    return
            if process.returncode is not None:
                raise RuntimeError(f"the gateway exited ({process.returncode}); see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the gateway was not ready within {READY_WITHIN_S} s; see {log}")
            await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def gateway_process(
    sandboxes: Sequence[HostedSandbox],
    *,
    store_url: str,
    redis_url: str,
    workdir: Path,
    paced: bool,
    wait_s: float | None = None,
) -> AsyncIterator[Gateway]:
    """Start the gateway on a free loopback port over `sandboxes`, paced or not; yield it once
    ready; stop it. `wait_s` (the gateway's defaults when None) is both a request's deadline and
    how long a call outside one waits for its slot: the pacer bounds shared (single-flight)
    fetches by the latter, since they carry no caller's deadline."""
    name = "gateway-paced" if paced else "gateway"
    config, credentials = _sources(sandboxes, paced=paced, wait_s=wait_s)
    (workdir / f"{name}.toml").write_text(config)
    port = free_port()
    deadline = {"RECGATE_REQUEST_TIMEOUT_S": str(wait_s)} if wait_s is not None else {}
    environ = {
        **os.environ,
        **credentials,
        **deadline,
        "RECGATE_CONFIG": str(workdir / f"{name}.toml"),
        "RECGATE_HOST": "127.0.0.1",
        "RECGATE_PORT": str(port),
        "RECGATE_DATA_DIR": str(workdir / "data"),
        "RECGATE_MEDIA_ROOT": str(workdir / "objects"),
        "RECGATE_STORE_URL": store_url,
        "RECGATE_REDIS_URL": redis_url,
        "RECGATE_CURSOR_SECRET": "bench",
        "RECGATE_SANDBOXES": "false",
        "RECGATE_WATCH_INTERVAL_S": "0",
        "RECGATE_INDEX_INTERVAL_S": "0",
        "RECGATE_LOG_LEVEL": "warning",
    }
    log = workdir / f"{name}.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway.cli", "serve", cwd=REPOSITORY, env=environ, stdout=output, stderr=output
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(process, base_url, log)
        yield Gateway(base_url, process.pid, log)
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), STOP_WITHIN_S)
            except TimeoutError:
                process.kill()
                await process.wait()
