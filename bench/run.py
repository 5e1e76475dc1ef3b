"""One bench run: the sandboxes, the store and the gateway started, every workload measured, stopped."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import platform
import re
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import workloads
from bench.baselines import baseline_server
from bench.direct_rest import DirectRow, frontend
from bench.gateway_process import Gateway, gateway_process
from bench.harness import Harness, Measurement
from bench.load import ensure_wrk, load
from bench.process import wait_idle
from bench.queries import W1, w1_variables
from bench.sandbox_host import HostedSandbox, hosted_sandboxes
from bench.stores import (
    DEFAULT_POSTGRES_SERVER,
    DEFAULT_REDIS_URL,
    bench_database,
    clear_redis_database,
    seed_local_store,
)

__all__ = ["Options", "machine", "run"]

PAGE_SIZES = (10, 50, 100)
# How long the paced gateway's calls may wait in W5 (request deadline and pacer wait): longer than
# the longest vendor window (Genesys Cloud's and Webex's minute), so a page waits for its slots
# rather than losing a source's rows.
W5_WAIT_S = 90.0


@dataclasses.dataclass(frozen=True)
class Options:
    """What one run measures, and how much of it (`quick` shrinks the sizes, not the workloads)."""

    size: int = 10_000
    local_size: int = 10_000
    walk_rows: int = 5_000
    page: int = 100
    repeats: int = 3
    burst: int = 16
    nodes: int = 100
    load_seconds: int = 10
    connections: int = 8
    w5_budget_s: float = 150.0
    latency_ms: float = 50.0
    jitter_ms: float = 5.0
    redis_url: str = DEFAULT_REDIS_URL
    postgres_server: str = DEFAULT_POSTGRES_SERVER
    quick: bool = False


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    meminfo = Path("/proc/meminfo").read_text()
    cpuinfo = Path("/proc/cpuinfo").read_text()
    total = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gib": round(int(total.group(1)) / 2**20, 1) if total else None,
        "cpu": model.group(1).strip() if model else platform.processor(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        # Other work on the machine (tests running beside the bench) shows here: 1, 5, 15 minutes.
        "load_average": [round(n, 2) for n in os.getloadavg()],
    }


async def _direct(harness: Harness, sandboxes: list[HostedSandbox], repeats: int) -> dict[str, Any]:
    """The direct-REST baseline side by side with the gateway's W1 over the same four vendors."""
    vendors = [sandbox.instance for sandbox in sandboxes]
    gateway_runs: list[Measurement] = []
    body: dict[str, Any] = {}
    for _ in range(repeats):
        measurement, body = await harness.measure_query(W1, w1_variables(50, vendors), cold=True)
        gateway_runs.append(measurement)
    rows: list[DirectRow] = []
    direct_runs = []
    async with frontend(sandboxes) as client:

        async def page() -> list[dict[str, Any]]:
            rows[:] = await client.page(50)
            return []

        for _ in range(repeats):
            direct_runs.append((await harness.measure(page, cold=False))[0])
    gateway_s = statistics.median(m.seconds for m in gateway_runs)
    direct_s = statistics.median(m.seconds for m in direct_runs)
    gateway_calls = statistics.median(m.total_calls for m in gateway_runs)
    direct_calls = statistics.median(m.total_calls for m in direct_runs)
    gateway_rows = {(e["node"]["source"]["id"], e["node"]["sourceId"]) for e in body["data"]["recordings"]["edges"]}
    return {
        "gateway_s": gateway_s,
        "direct_s": direct_s,
        "direct_over_gateway_s": direct_s / gateway_s,
        "gateway_calls": gateway_calls,
        "direct_calls": direct_calls,
        "direct_over_gateway_calls": direct_calls / gateway_calls if gateway_calls else None,
        "direct_calls_by_vendor": direct_runs[-1].calls,
        "direct_levels": direct_runs[-1].levels,
        "gateway_levels": gateway_runs[-1].levels,
        "same_rows": len(gateway_rows & {(row.source, row.native_id) for row in rows}),
        "rows": len(rows),
    }


async def _throughput(harness: Harness, options: Options, workdir: Path) -> dict[str, Any]:
    """Warm W1 from the gateway, plain Strawberry and Starlette's finished bytes, by one load generator."""
    wrk = ensure_wrk()
    request = json.dumps({"query": W1, "variables": w1_variables(50)}).encode()
    as_json = {"content-type": "application/json"}
    warm = await harness.client.post("/graphql", content=request, headers=as_json)
    result: dict[str, Any] = {"tool": "wrk" if wrk else "python-httpx (wrk unavailable)"}
    async with baseline_server(warm.content, workdir) as baseline:
        targets = {
            "gateway": f"{harness.gateway.base_url}/graphql",
            "strawberry": f"{baseline}/strawberry",
            "starlette_bytes": f"{baseline}/bytes",
        }
        strawberry_body = (await harness.client.post(targets["strawberry"], content=request, headers=as_json)).json()
        result["strawberry_same_data"] = strawberry_body.get("data") == warm.json().get("data")
        for name, url in targets.items():
            await harness.reset_counters()
            measured = await load(
                wrk, url, request, seconds=options.load_seconds, connections=options.connections, workdir=workdir
            )
            # Requests in flight when the load stopped still run: their vendor calls are this target's.
            drained = await wait_idle(harness.gateway.pid)
            counts = await harness.counts()
            result[name] = {
                **dataclasses.asdict(measured),
                "per_second": measured.per_second,
                "gateway_idle_after": drained,
                "upstream_calls": sum(n for endpoints in counts.values() for n in endpoints.values()),
            }
    for name in ("strawberry", "starlette_bytes"):
        result[f"gateway_over_{name}"] = result["gateway"]["per_second"] / result[name]["per_second"]
    return result


async def _unlimited(
    harness: Harness, sandboxes: list[HostedSandbox], options: Options, workdir: Path, say: Callable[[str], None]
) -> tuple[dict[str, Any], workloads.Walk]:
    """Every workload but W5 through the unpaced gateway (`harness`), the sandboxes' limits lifted;
    the figures and W2's walk."""
    results: dict[str, Any] = {}
    started = time.perf_counter()
    await harness.post(W1, w1_variables(5))
    results["first_request_s"] = time.perf_counter() - started
    # The memory figures first, while the heap has not yet grown for the heavier workloads.
    say(f"W2: walking {options.walk_rows:,} recordings in pages of {options.page}")
    w2, walked, _ = await workloads.walk(harness, options.walk_rows, options.page, budget_s=600)
    results["w2"] = w2
    say("W4: 50 MB of media by Range")
    results["w4"] = await workloads.media_by_range(harness)
    say("W1 cold and warm")
    results["w1"] = await workloads.w1(harness, repeats=options.repeats, latency_ms=options.latency_ms)
    say("W1 at page sizes " + ", ".join(map(str, PAGE_SIZES)))
    results["page_sizes"] = await workloads.page_sizes(harness, PAGE_SIZES, repeats=options.repeats)
    say(f"{options.burst} identical cold W1s at once")
    single, _ = await harness.measure_query(W1, w1_variables(50), cold=True)
    results["burst"] = await workloads.burst(harness, options.burst, single)
    say("direct REST against the gateway, four vendors")
    results["direct_rest"] = await _direct(harness, sandboxes, options.repeats)
    say(f"W3: {options.nodes} nodes in one request")
    results["w3"] = await workloads.nodes(harness, options.nodes)
    say(f"warm throughput, {options.load_seconds} s per target")
    results["throughput"] = await _throughput(harness, options, workdir)
    return results, walked


async def _rate_limited(
    harness: Harness, sandboxes: list[HostedSandbox], options: Options, unlimited: workloads.Walk
) -> dict[str, Any]:
    """W5 through the paced gateway (`harness`), the sandboxes' limits on."""
    limits = {s.kind: (s.limit, s.period_s) for s in sandboxes if s.limit is not None and s.period_s is not None}
    result = await workloads.rate_limited_walk(
        harness, options.walk_rows, options.page, options.w5_budget_s, unlimited, limits
    )
    result["limits"] = {kind: {"calls": limit, "per_s": period} for kind, (limit, period) in limits.items()}
    result["wait_s"] = W5_WAIT_S
    return result


@contextlib.asynccontextmanager
async def _harness(gateway: Gateway, sandboxes: list[HostedSandbox], options: Options) -> AsyncIterator[Harness]:
    harness = Harness(gateway, sandboxes, options.redis_url)
    try:
        yield harness
    finally:
        await harness.aclose()


async def run(options: Options, say: Callable[[str], None]) -> dict[str, Any]:
    """Everything measured in one run, JSON-ready; `say` hears what is being measured."""
    results: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "options": dataclasses.asdict(options),
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="recgate-bench-") as directory:
        workdir = Path(directory)
        say(f"starting four vendor sandboxes, {options.size:,} recordings each")
        async with (
            hosted_sandboxes(options.size, options.latency_ms, options.jitter_ms) as sandboxes,
            bench_database(options.postgres_server) as store_url,
        ):
            await clear_redis_database(options.redis_url)
            say(f"seeding {options.local_size:,} local recordings and a 50 MB media file")
            seeding = time.perf_counter()
            await seed_local_store(store_url, options.local_size, workdir / "objects")
            results["setup"] = {"local_seed_s": time.perf_counter() - seeding}
            start = functools.partial(
                gateway_process, sandboxes, store_url=store_url, redis_url=options.redis_url, workdir=workdir
            )
            async with start(paced=False) as gateway:
                results["setup"]["ready_s"] = time.perf_counter() - started
                async with _harness(gateway, sandboxes, options) as harness:
                    figures, walked = await _unlimited(harness, sandboxes, options, workdir, say)
                    results.update(figures)
            say(f"W5: the walk under the vendors' rate limits, paced (at most {options.w5_budget_s:.0f} s)")
            paced = start(paced=True, wait_s=W5_WAIT_S)
            async with paced as gateway, _harness(gateway, sandboxes, options) as harness:
                results["w5"] = await _rate_limited(harness, sandboxes, options, walked)
    results["total_s"] = time.perf_counter() - started
    results["machine"]["load_average_after"] = [round(n, 2) for n in os.getloadavg()]
    return results
