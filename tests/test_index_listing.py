"""Sources listed from the gateway's recording index, against the Bandwidth and Engage sandboxes.

Bandwidth and Genesys Engage list newest first only; every other order comes from the index a
sync fills from that listing. A second `Services` over the same store plays the replica that
syncs (`IndexSync.sync_once`), so nothing here waits on a clock.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.datastructures import Secret

from gateway.app import create_app
from gateway.cache import RedisCache, cache_key
from gateway.config import ConfigError, Settings, SourceConfig
from gateway.index_sync import IndexSync
from gateway.models import SourceKind
from gateway.services import Services
from gateway.sources.bandwidth import BandwidthSource
from gateway.sources.indexed import IndexedSource, indexed
from gateway.sources.local import LocalSource
from gateway.store.recording_index import RecordingIndex
from sandboxes.bandwidth import CatapultSettings, connection_info
from sandboxes.bandwidth import create_app as catapult_app
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.runner import RunningSandbox
from sandboxes.serving import start_server, stop_server
from tests.conftest import REDIS_URL
from tests.graphql import codes, gql, walk
from tests.sources.conftest import Counts
from tests.sources.test_genesys_engage import (
    ANCHOR,
    engage,
    engage_sandbox,
    post_recordings,
    recording_document,
)

CALLS = "GET /v1/users/{userId}/calls/{callId}"
BW_LISTING = "GET /v1/users/{userId}/recordings"
NATIVE = """
query($first: Int, $after: String, $filter: RecordingFilter, $order: RecordingOrder) {
  recordings(filter: $filter, first: $first, after: $after, orderBy: $order) {
    edges { node { sourceId startTime durationMs } }
    pageInfo { hasNextPage endCursor }
  }
}"""
ASCENDING = {"field": "START_TIME", "direction": "ASC"}
ORDERS = [ASCENDING, {"field": "DURATION", "direction": "ASC"}, {"field": "DURATION", "direction": "DESC"}]


@asynccontextmanager
async def catapult(size: int, port: int = 0) -> AsyncIterator[str]:
    """A Bandwidth sandbox whose recordings are all complete (no state changes mid-test); its URL."""
    config = SandboxConfig(seed=7, size=size, anchor=ANCHOR, knobs=Knobs(rate_limits=False))
    server, task = await start_server(catapult_app(config, CatapultSettings(in_progress=0)), "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        await stop_server(server, task)


def bandwidth(base_url: str, **options: Any) -> SourceConfig:
    credentials = {k: Secret(v) for k, v in connection_info(base_url).items() if k != "base_url"}
    return SourceConfig("bw", SourceKind.BANDWIDTH, base_url, credentials, {"rate_limit": False, **options})


def settings_for(tmp_path: Path, *sources: SourceConfig, store_url: str | None = None) -> Settings:
    return Settings(data_dir=tmp_path, store_url=store_url, cursor_secret=Secret("test"), sources=sources)


@asynccontextmanager
async def gateway(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        LifespanManager(create_app(settings)) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway", timeout=30
        ) as client,
    ):
        yield client


@asynccontextmanager
async def replica(settings: Settings) -> AsyncIterator[Services]:
    services = await Services.open(settings)
    try:
        yield services
    finally:
        await services.aclose()


async def sync(settings: Settings) -> None:
    """One complete sync by another replica over the same store."""
    async with replica(settings) as services:
        assert all(outcome.error is None for outcome in await services.index_sync.sync_once())


async def native_listing(client: httpx.AsyncClient, source: str) -> list[tuple[str, float, int]]:
    """(id, start, duration) of every recording, through the source's own newest-first listing."""
    seen, after = [], None
    while True:
        body = await gql(client, NATIVE, first=100, after=after, filter={"sources": [source]})
        assert "errors" not in body, body
        page = body["data"]["recordings"]
        seen += [
            (
                e["node"]["sourceId"],
                datetime.fromisoformat(e["node"]["startTime"]).timestamp(),
                e["node"]["durationMs"] or 0,
            )
            for e in page["edges"]
        ]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


def brute_force(native: list[tuple[str, float, int]], order: dict[str, str]) -> list[str]:
    """The merge's order over one source: (value, id), ties by id, in the order's direction."""
    value = 1 if order["field"] == "START_TIME" else 2
    ranked = sorted(native, key=lambda row: (row[value], row[0]), reverse=order["direction"] == "DESC")
    return [row[0] for row in ranked]


async def check_orders(client: httpx.AsyncClient, source: str, native: list[tuple[str, float, int]]) -> None:
    for order in ORDERS:
        expected = brute_force(native, order)
        for first in (7, 25, 100):
            assert await walk(client, first, {"sources": [source]}, order) == expected, (order, first)


async def engage_delete(sandbox: RunningSandbox, recording_id: str) -> None:
    """Delete a recording as the OPS admin would, with the CSRF session from ``GET /me``."""
    c = sandbox.connection
    async with httpx.AsyncClient(auth=(c["ops_username"], c["ops_password"])) as http:
        me = await http.get(f"{c['base_url']}/me")
        response = await http.delete(
            f"{c['base_url']}/ops/contact-centers/{c['contact_center_id']}/recordings/{recording_id}",
            headers={me.headers["x-csrf-header"]: me.headers["x-csrf-token"]},
        )
        assert response.status_code == 200, response.text


async def test_bandwidth_lists_every_order_from_its_index(tmp_path):
    async with catapult(size=60) as base_url:
        settings = settings_for(tmp_path, bandwidth(base_url, page_size=25))
        async with gateway(settings) as client:
            before = await gql(client, NATIVE, first=10, filter={"sources": ["bw"]}, order=ASCENDING)
            assert codes(before) == ["SOURCE_UNAVAILABLE"], "no index until a walk completes"
            await sync(settings)
            native = await native_listing(client, "bw")
            assert len(native) == 60
            await check_orders(client, "bw", native)


async def test_engage_lists_every_order_from_its_index_ties_by_id(tmp_path):
    async with engage_sandbox(size=60) as sandbox:
        crowd = ANCHOR - timedelta(days=3)
        await post_recordings(sandbox, [recording_document(f"TIE{i:03d}", crowd, seconds=40 + i % 2) for i in range(8)])
        settings = settings_for(tmp_path, engage(sandbox))
        async with gateway(settings) as client:
            await sync(settings)
            native = await native_listing(client, "engage")
            assert {f"TIE{i:03d}" for i in range(8)} < {row[0] for row in native}  # the server's region only
            await check_orders(client, "engage", native)


async def test_recordings_added_or_removed_upstream_show_after_the_next_sync(tmp_path):
    async with engage_sandbox(size=20) as sandbox:
        settings = settings_for(tmp_path, engage(sandbox))
        async with gateway(settings) as client:
            await sync(settings)
            listed = await walk(client, 100, {"sources": ["engage"]}, ASCENDING)
            await post_recordings(sandbox, [recording_document("ADDED0001", ANCHOR - timedelta(minutes=5))])
            assert await walk(client, 100, {"sources": ["engage"]}, ASCENDING) == listed, "not before a sync"
            await sync(settings)
            assert await walk(client, 100, {"sources": ["engage"]}, ASCENDING) == [*listed, "ADDED0001"]
            await engage_delete(sandbox, "ADDED0001")
            await engage_delete(sandbox, listed[0])
            await sync(settings)
            assert await walk(client, 100, {"sources": ["engage"]}, ASCENDING) == listed[1:]


async def test_bandwidth_data_changing_between_syncs(tmp_path):
    """Catapult deletes nothing through its API: the sandbox restarts with one call more, then fewer."""
    async with catapult(size=20) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        settings = settings_for(tmp_path, bandwidth(base_url))
        await sync(settings)
    async with gateway(settings) as client:
        twenty = await walk(client, 100, {"sources": ["bw"]}, ASCENDING)
        async with catapult(size=21, port=port):
            await sync(settings)
            more = await walk(client, 100, {"sources": ["bw"]}, ASCENDING)
            assert len(more) == 21 and set(twenty) < set(more)
        async with catapult(size=18, port=port):
            await sync(settings)
            fewer = await walk(client, 100, {"sources": ["bw"]}, ASCENDING)
            assert len(fewer) == 18 and set(fewer) < set(twenty)


async def test_caller_filter_after_backfill_reads_no_call(tmp_path):
    async with catapult(size=30) as base_url:
        counts = Counts(base_url)
        callers = {"sources": ["bw"], "callerNumber": "+1415555*"}
        async with gateway(settings_for(tmp_path / "plain", bandwidth(base_url, index=False))) as plain:
            await counts.reset()
            expected = await walk(plain, 100, callers)
            assert (await counts.read())[CALLS] == 30
            unindexed = await gql(plain, NATIVE, first=5, filter={"sources": ["bw"]}, order=ASCENDING)
            assert codes(unindexed) == ["UNSUPPORTED"]
        assert 0 < len(expected) < 30
        settings = settings_for(tmp_path / "indexed", bandwidth(base_url, index_call_budget=12))
        async with replica(settings) as services:
            await counts.reset()
            reads = [(await services.index_sync.sync_once())[0].calls_read for _ in range(4)]
            assert reads == [12, 12, 6, 0], "at most the budget per sync, newest first, until none is left"
            assert (await counts.read())[CALLS] == 30
        async with gateway(settings) as client:
            await counts.reset()
            assert await walk(client, 7, callers) == expected
            assert await walk(client, 7, callers, ASCENDING) == expected[::-1]
            assert CALLS not in await counts.read()


async def test_one_replica_syncs_per_round(tmp_path, redis_prefix):
    async with catapult(size=30) as base_url, replica(settings_for(tmp_path, bandwidth(base_url))) as services:
        counts = Counts(base_url)
        await counts.reset()
        index = RecordingIndex(services.store.engine)
        caches = [RedisCache.from_url(REDIS_URL, prefix=redis_prefix) for _ in range(2)]
        syncers = [IndexSync(services.index_sync.sources, index, cache, interval_s=60) for cache in caches]
        try:
            assert sorted(await asyncio.gather(*(s.round() for s in syncers))) == [False, True]
            assert (await counts.read())[BW_LISTING] == 1, "one walk"
        finally:
            await caches[0].delete(cache_key("index-lease"))
            for cache in caches:
                await cache.aclose()


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
async def test_the_index_outlives_a_restart_and_the_vendor(tmp_path, store_url):
    async with catapult(size=30) as base_url:
        settings = settings_for(tmp_path, bandwidth(base_url), store_url=store_url)
        async with gateway(settings) as client:
            native = await native_listing(client, "bw")
        await sync(settings)
        counts = Counts(base_url)
        await counts.knobs(outage=True)
        await counts.reset()
        async with gateway(settings) as client:
            await check_orders(client, "bw", native)
        assert await counts.read() == {}, "pages from the index call nothing upstream"


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_which_sources_get_an_index_and_its_options_are_checked(store_url, store):
    index = RecordingIndex(store.engine)
    source = BandwidthSource("bw", None, "u")  # type: ignore[arg-type]
    wrapped = indexed(source, {}, index)
    assert isinstance(wrapped, IndexedSource) and wrapped.wrapped is source, "newest first only: indexed by default"
    assert indexed(source, {"index": False}, index) is source
    budgeted = indexed(source, {"index_call_budget": 5}, index)
    assert isinstance(budgeted, IndexedSource) and budgeted.index.call_budget == 5
    local = LocalSource("local", store, None, None)  # type: ignore[arg-type]
    assert indexed(local, {}, index) is local, "lists every order itself"
    for options in ({"index": "yes"}, {"index_call_budget": -1}):
        with pytest.raises(ConfigError):
            indexed(source, options, index)
