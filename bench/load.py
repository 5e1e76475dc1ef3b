"""Warm throughput, measured from a process of its own: Debian's ``wrk``, or a Python stand-in.

`ensure_wrk` installs ``wrk`` with apt-get when it is missing (bounded; none when apt is not
there or fails). `load` then POSTs one GraphQL body for a fixed time over a fixed number of
connections; every target of a run gets the same client, connections and seconds. Without
``wrk``, this module's ``__main__`` does the same with httpx (far slower a client: its figures
are only comparable with each other, and the results say which tool measured them).

    python -m bench.load URL BODY_FILE SECONDS CONNECTIONS      (the stand-in; prints JSON)
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

__all__ = ["LoadResult", "ensure_wrk", "load"]

INSTALL_WITHIN_S = 300
_MARGIN_S = 30
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}
_LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local body = assert(io.open([==[{path}]==], "rb"))
wrk.body = body:read("*a")
body:close()
"""


@dataclasses.dataclass(frozen=True)
class LoadResult:
    """What one target answered: responses, seconds, failures (non-2xx, socket errors), mean latency."""

    tool: str
    requests: int
    seconds: float
    failures: int
    mean_latency_s: float | None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str | None:
    """The path of ``wrk``, installed with apt-get if it is missing and apt can; None otherwise."""
    found = shutil.which("wrk")
    if found or not shutil.which("apt-get"):
        return found
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    for attempt in ([install], [["apt-get", "update", "-q"], install]):
        try:
            for command in attempt:
                subprocess.run(command, check=True, capture_output=True, timeout=INSTALL_WITHIN_S)
        except (subprocess.SubprocessError, OSError):
            continue
        return shutil.which("wrk")
    return None


def _seconds(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def _parse_wrk(output: str) -> LoadResult:
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", output)
    if done is None:
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s|m)\b", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failures = int(non_2xx.group(1)) if non_2xx else 0
    failures += sum(int(n) for n in sockets.groups()) if sockets else 0
    return LoadResult(
        "wrk",
        int(done.group(1)),
        _seconds(done.group(2), done.group(3)),
        failures,
        _seconds(latency.group(1), latency.group(2)) if latency else None,
    )


async def _run(command: list[str], seconds: float) -> str:
    process = await asyncio.create_subprocess_exec(*command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output, _ = await asyncio.wait_for(process.communicate(), seconds + _MARGIN_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    if process.returncode:
        raise RuntimeError(f"{command[0]} failed ({process.returncode}):\n{output.decode()}")
    return output.decode()


async def load(wrk: str | None, url: str, body: bytes, *, seconds: int, connections: int, workdir: Path) -> LoadResult:
    """POST `body` to `url` for `seconds` over `connections` connections, from another process."""
    body_file = workdir / "load-body.json"
    body_file.write_bytes(body)
    if wrk is not None:
        script = workdir / "post.lua"
        script.write_text(_LUA.format(path=body_file))
        command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", str(script)]
        return _parse_wrk(await _run([*command, url], seconds))
    command = [sys.executable, "-m", "bench.load", url, str(body_file), str(seconds), str(connections)]
    return LoadResult(**json.loads(await _run(command, seconds)))


async def _stand_in(url: str, body: bytes, seconds: float, connections: int) -> LoadResult:
    """The Python load generator: `connections` clients POSTing back to back until the time is up."""
    answered, failed, waited = 0, 0, 0.0
    deadline = time.monotonic() + seconds
    headers = {"content-type": "application/json"}

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal answered, failed, waited
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                response = await http.post(url, content=body, headers=headers)
                ok = response.is_success
            except httpx.HTTPError:
                ok = False
            waited += time.monotonic() - started
            answered, failed = answered + 1, failed + (not ok)

    started = time.monotonic()
    async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=connections)) as http:
        await asyncio.gather(*(client(http) for _ in range(connections)))
    return LoadResult(
        "python-httpx", answered, time.monotonic() - started, failed, waited / answered if answered else None
    )


if __name__ == "__main__":
    target, body_path, duration, width = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(dataclasses.asdict(asyncio.run(_stand_in(target, body_path.read_bytes(), duration, width)))))
