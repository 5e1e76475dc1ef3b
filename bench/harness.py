"""Sending queries to the gateway and reading what they cost upstream.

`Harness.measure` runs one workload between two readings of every sandbox: the request
counters (``/_sandbox/counts``, the official count of vendor calls) and the `RequestLog` (times
and statuses). *Cold* means the gateway's Redis cache emptied first (OAuth tokens kept); *warm*
means it is left as the previous query filled it. No query asks for fresh data
(``Cache-Control: no-cache``): that would also keep identical queries from sharing their calls.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx

from bench.gateway_process import Gateway
from bench.levels import dependent_levels, sequential_rounds
from bench.request_log import Call, clear_calls, fetch_calls
from bench.sandbox_host import HostedSandbox
from bench.stores import evict_cache

__all__ = ["Harness", "Measurement", "error_codes"]

Traffic = Mapping[str, Sequence[Call]]


def error_codes(body: Mapping[str, Any]) -> list[str]:
    """The ``extensions.code`` of each GraphQL error of a response body."""
    return [str((error.get("extensions") or {}).get("code", "?")) for error in body.get("errors") or []]


@dataclasses.dataclass(frozen=True)
class Measurement:
    """One workload: seconds, vendor data calls by vendor (token grants apart), what the request
    log says (rounds, levels, 429s), and the GraphQL errors of its responses."""

    seconds: float
    calls: dict[str, int]
    token_calls: int
    rounds: int
    levels: int
    throttled: int
    # GraphQL error codes and how many responses carried each.
    errors: dict[str, int]
    traffic: Traffic = dataclasses.field(repr=False)

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def summary(self) -> dict[str, Any]:
        """The JSON-ready figures (the request log left out)."""
        fields = dataclasses.asdict(self)
        fields.pop("traffic")
        return {**fields, "total_calls": self.total_calls}


class Harness:
    def __init__(self, gateway: Gateway, sandboxes: Sequence[HostedSandbox], redis_url: str) -> None:
        self.gateway = gateway
        self.sandboxes = list(sandboxes)
        self.redis_url = redis_url
        # Pools wide enough for the bursts; timeouts bound every request.
        limits = httpx.Limits(max_connections=64)
        self.client = httpx.AsyncClient(base_url=gateway.base_url, timeout=120, limits=limits)
        self.admin = httpx.AsyncClient(timeout=30)

    async def aclose(self) -> None:
        await self.client.aclose()
        await self.admin.aclose()

    # -- the sandboxes -----------------------------------------------------------------------

    async def reset_counters(self) -> None:
        for sandbox in self.sandboxes:
            (await self.admin.delete(f"{sandbox.root_url}/_sandbox/counts")).raise_for_status()
            await clear_calls(self.admin, sandbox.root_url)

    async def counts(self) -> dict[str, dict[str, int]]:
        """Requests per endpoint, by vendor, since the last reset."""
        result = {}
        for sandbox in self.sandboxes:
            result[sandbox.kind] = (await self.admin.get(f"{sandbox.root_url}/_sandbox/counts")).json()["endpoints"]
        return result

    async def traffic(self) -> dict[str, list[Call]]:
        return {sandbox.kind: await fetch_calls(self.admin, sandbox.root_url) for sandbox in self.sandboxes}

    async def set_knobs(self, **knobs: Any) -> None:
        for sandbox in self.sandboxes:
            (await self.admin.patch(f"{sandbox.root_url}/_sandbox/knobs", json=knobs)).raise_for_status()

    # -- the gateway -------------------------------------------------------------------------

    async def post(self, document: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One GraphQL request; its JSON body."""
        response = await self.client.post("/graphql", json={"query": document, "variables": dict(variables or {})})
        body: dict[str, Any] = response.json()
        return body

    async def measure(
        self, workload: Callable[[], Awaitable[list[dict[str, Any]]]], *, cold: bool
    ) -> tuple[Measurement, list[dict[str, Any]]]:
        """Run `workload` (it returns the response bodies it got): what it cost, and those bodies."""
        if cold:
            await evict_cache(self.redis_url)
        await self.reset_counters()
        started = time.perf_counter()
        bodies = await workload()
        seconds = time.perf_counter() - started
        counts, traffic = await self.counts(), await self.traffic()
        calls = {kind: sum(n for ep, n in endpoints.items() if "oauth" not in ep) for kind, endpoints in counts.items()}
        tokens = sum(n for endpoints in counts.values() for ep, n in endpoints.items() if "oauth" in ep)
        measurement = Measurement(
            seconds=seconds,
            calls=calls,
            token_calls=tokens,
            rounds=sequential_rounds(traffic),
            levels=dependent_levels(traffic),
            throttled=sum(1 for calls in traffic.values() for call in calls if call.status == 429),
            errors=dict(Counter(code for body in bodies for code in error_codes(body))),
            traffic=traffic,
        )
        return measurement, bodies

    async def measure_query(
        self, document: str, variables: Mapping[str, Any] | None = None, *, cold: bool, copies: int = 1
    ) -> tuple[Measurement, dict[str, Any]]:
        """`copies` identical requests at once; the measurement and the first body."""

        async def send() -> list[dict[str, Any]]:
            return list(await asyncio.gather(*(self.post(document, variables) for _ in range(copies))))

        measurement, bodies = await self.measure(send, cold=cold)
        return measurement, bodies[0]
