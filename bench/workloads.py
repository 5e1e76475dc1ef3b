"""The workloads, each measured through the `Harness`: W1 cold and warm, page sizes, a burst of
identical cold W1s, W2 (a walk), W3 (100 nodes), W4 (50 MB of media by Range), W5 (the walk under
the vendors' rate limits, paced by the gateway)."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from bench.harness import Harness, Measurement, error_codes
from bench.levels import RateLimit, rate_floor_s
from bench.process import MemoryWatch
from bench.queries import MEDIA_LINK, W1, WALK, nodes_document, w1_variables
from bench.stores import MEDIA_RECORDING_ID, forget_pacing
from gateway.config import LOCAL_SOURCE_ID
from gateway.ids import GlobalId

__all__ = ["Walk", "burst", "media_by_range", "nodes", "page_sizes", "rate_limited_walk", "w1", "walk"]

MEDIA_CHUNK = 1 << 16
WAV_HEADER_BYTES = 44


def _rows(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    data = body.get("data") or {}
    return [edge["node"] for edge in (data.get("recordings") or {}).get("edges") or []]


async def w1(harness: Harness, *, repeats: int, latency_ms: float) -> dict[str, Any]:
    """W1 cold then warm, `repeats` times: the medians, the fewest dependent levels seen, and the
    cold run closest to the median."""
    colds: list[Measurement] = []
    warms: list[Measurement] = []
    body: dict[str, Any] = {}
    for _ in range(repeats):
        cold, body = await harness.measure_query(W1, w1_variables(50), cold=True)
        warm, _ = await harness.measure_query(W1, w1_variables(50), cold=False)
        colds.append(cold)
        warms.append(warm)
    cold_s = statistics.median(m.seconds for m in colds)
    warm_s = statistics.median(m.seconds for m in warms)
    typical = min(colds, key=lambda m: abs(m.seconds - cold_s))
    # A first call that queued behind the source's connection limit looks like one more level;
    # queueing only ever adds levels, so the fewest seen is the closest to the dependency itself.
    levels = min(m.levels for m in colds)
    limit_s = levels * latency_ms / 1000
    return {
        "cold_s": cold_s,
        "warm_s": warm_s,
        "warm_over_cold": warm_s / cold_s,
        "levels": levels,
        "physical_limit_s": limit_s,
        "cold_over_limit": cold_s / limit_s if limit_s else None,
        "rows": len(_rows(body)),
        "rows_by_source": dict(Counter(row["source"]["id"] for row in _rows(body))),
        "cold": typical.summary(),
        "warm_calls": statistics.median(m.total_calls for m in warms),
        "cold_runs_s": [m.seconds for m in colds],
        "warm_runs_s": [m.seconds for m in warms],
    }


async def page_sizes(harness: Harness, sizes: Sequence[int], *, repeats: int) -> dict[str, Any]:
    """W1 at each page size, cold then warm, `repeats` times: the medians, and the calls by vendor."""
    result = {}
    for size in sizes:
        colds, warms = [], []
        for _ in range(repeats):
            colds.append((await harness.measure_query(W1, w1_variables(size), cold=True))[0])
            warms.append((await harness.measure_query(W1, w1_variables(size), cold=False))[0])
        cold = colds[-1]
        result[str(size)] = {
            "cold_s": statistics.median(m.seconds for m in colds),
            "warm_s": statistics.median(m.seconds for m in warms),
            "calls": cold.calls,
            "total_calls": cold.total_calls,
            "levels": cold.levels,
            "rounds": cold.rounds,
            "errors": dict(sum((Counter(m.errors) for m in colds + warms), Counter())),
        }
    return result


async def burst(harness: Harness, copies: int, single: Measurement) -> dict[str, Any]:
    """`copies` identical cold W1s at once: their vendor calls against one cold W1's (`single`)."""
    measurement, _ = await harness.measure_query(W1, w1_variables(50), cold=True, copies=copies)
    return {
        "copies": copies,
        "seconds": measurement.seconds,
        "calls": measurement.calls,
        "total_calls": measurement.total_calls,
        "single_calls": single.total_calls,
        "ratio": measurement.total_calls / single.total_calls if single.total_calls else None,
        "errors": measurement.errors,
    }


async def nodes(harness: Harness, count: int) -> dict[str, Any]:
    """W3: `count` recordings by id in one request: ``nodes(ids:)``, and as many aliased ``node(id:)``
    fields (which the gateway's alias limit may refuse)."""
    listing = await harness.post(WALK, {"first": count})
    ids = [row["id"] for row in _rows(listing)][:count]
    result: dict[str, Any] = {"ids": len(ids), "by_source": dict(Counter(r["source"]["id"] for r in _rows(listing)))}
    aliased, listed = nodes_document(ids)
    for name, document in (("nodes", listed), ("aliased", aliased)):
        measurement, body = await harness.measure_query(document, cold=True)
        data = body.get("data") or {}
        found = data.get("nodes") or [] if name == "nodes" else list(data.values())
        refusal = (body.get("errors") or [{}])[0].get("message") if not data else None
        result[name] = {**measurement.summary(), "found": sum(1 for item in found if item), "refusal": refusal}
    return result


@dataclasses.dataclass
class Walk:
    """A walk of the merged listing: its pages' rows by source, short pages and response bodies."""

    page_rows: list[Counter[str]] = dataclasses.field(default_factory=list)
    # Rows of each page that came back short of the page size while more remained.
    short_pages: list[int] = dataclasses.field(default_factory=list)
    bodies: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def rows(self, pages: int | None = None) -> Counter[str]:
        """Rows by source of the first `pages` pages (all by default)."""
        return sum(self.page_rows[:pages], Counter())


async def _walk(harness: Harness, total: int, page: int, budget_s: float) -> Walk:
    """Ask pages of `page` until `total` rows, the listing's end, or `budget_s` spent (between pages)."""
    walked = Walk()
    cursor = None
    deadline = time.monotonic() + budget_s
    while walked.rows().total() < total and time.monotonic() < deadline:
        body = await harness.post(WALK, {"first": page, "after": cursor})
        walked.bodies.append(body)
        rows = _rows(body)
        walked.page_rows.append(Counter(row["source"]["id"] for row in rows))
        info = ((body.get("data") or {}).get("recordings") or {}).get("pageInfo") or {}
        if len(rows) < page and info.get("hasNextPage"):
            walked.short_pages.append(len(rows))
        cursor = info.get("endCursor")
        if not info.get("hasNextPage") or cursor is None:
            break
    return walked


async def walk(harness: Harness, total: int, page: int, budget_s: float) -> tuple[dict[str, Any], Walk, Measurement]:
    """W2: a cold walk of `total` rows; time and the gateway's memory growth."""
    memory = MemoryWatch(harness.gateway.pid)
    walked = Walk()

    async def workload() -> list[dict[str, Any]]:
        nonlocal walked
        memory.start()
        walked = await _walk(harness, total, page, budget_s)
        return walked.bodies

    measurement, _ = await harness.measure(workload, cold=True)
    growth, peak = memory.stop()
    result = {
        **measurement.summary(),
        "pages": len(walked.page_rows),
        "rows": walked.rows().total(),
        "rows_by_source": dict(walked.rows()),
        "short_pages": walked.short_pages,
        "rss_growth_bytes": growth,
        "rss_peak_growth_bytes": peak,
        "rss_before_bytes": memory.baseline,
    }
    return result, walked, measurement


async def rate_limited_walk(
    harness: Harness, total: int, page: int, budget_s: float, unlimited: Walk, limits: Mapping[str, RateLimit]
) -> dict[str, Any]:
    """W5: W2 with the vendors' stated `limits` on, through a gateway that paces its calls; its
    time against the floor those limits put on the calls it made, and the rows the walk without
    limits (`unlimited`) listed in as many pages that this one did not."""
    await harness.set_knobs(rate_limits=True)  # the sandboxes' windows start empty...
    await forget_pacing(harness.redis_url)  # ...and so do the pacer's
    try:
        result, walked, measurement = await walk(harness, total, page, budget_s)
    finally:
        await harness.set_knobs(rate_limits=False)
    floor_s = rate_floor_s(measurement.traffic, limits)
    return {
        **result,
        "budget_s": budget_s,
        "walked_all": walked.rows().total() >= total,
        "rows_missing_by_source": dict(unlimited.rows(len(walked.page_rows)) - walked.rows()),
        "floor_s": floor_s,
        "over_floor": measurement.seconds / floor_s if floor_s else None,
    }


async def media_by_range(harness: Harness) -> dict[str, Any]:
    """W4: the 50 MB media file through ``/media/<ticket>`` with a Range header, streamed and dropped."""
    recording = GlobalId(LOCAL_SOURCE_ID, "Recording", MEDIA_RECORDING_ID).encode()
    body = await harness.post(MEDIA_LINK, {"id": recording})
    if error_codes(body):
        return {"errors": dict(Counter(error_codes(body)))}
    media = body["data"]["node"]["mediaFiles"][0]
    size = int(media["sizeBytes"])
    memory = MemoryWatch(harness.gateway.pid)
    memory.start()
    received = 0
    started = time.perf_counter()
    # Past the WAV header, to the end: what a player asks when it seeks to the start of the audio.
    headers = {"range": f"bytes={WAV_HEADER_BYTES}-"}
    async with harness.client.stream("GET", media["download"]["url"], headers=headers) as response:
        status = response.status_code
        async for chunk in response.aiter_raw(MEDIA_CHUNK):
            received += len(chunk)
    seconds = time.perf_counter() - started
    growth, peak = memory.stop()
    return {
        "status": status,
        "bytes": received,
        "expected_bytes": size - WAV_HEADER_BYTES,
        "seconds": seconds,
        "mb_per_s": received / seconds / 1e6,
        "rss_growth_bytes": growth,
        "rss_peak_growth_bytes": peak,
    }
