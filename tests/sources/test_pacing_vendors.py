"""Pacing against the vendor sandboxes with their rate limits on: the gateway never draws a 429.

The sandboxes' limits are lowered by knob (and the gateway's sources set to the same) so a
test spends seconds, not minutes; every assertion is a count the sandbox or Redis reports.
"""

import asyncio
import uuid
from collections.abc import Sequence

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.cache import Cache, MemoryCache, RedisCache
from gateway.config import SourceConfig
from gateway.errors import SourceRateLimited
from gateway.sources.registry import SourceDeps, create_source
from gateway.sources.upstream import Upstream
from gateway.sources.upstream.pacer import NoSlotInTime, RateLimit, RedisWindows
from sandboxes.serving import free_port
from tests.conftest import REDIS_URL
from tests.graphql import codes, gql
from tests.sources.conftest import Counts, gateway_for, running_sandbox
from tests.sources.test_bandwidth import bandwidth
from tests.sources.test_genesys_cloud import PAGE_WITH_OWNERS, genesys
from tests.waiting import wait_until

BW_LIST = "/v1/users/{userId}/recordings"
BW_NUMBERS = """{ recordings(filter: {sources: ["bw"]}, first: 6) { nodes { sourceId callerNumber } } }"""
BW_BY_CALLER = """query($n: String!) { recordings(filter: {sources: ["bw"], callerNumber: $n}, first: 5) {
  nodes { sourceId } } }"""
GC_SETTINGS = "/api/v2/recording/settings"


class PrivateRedis:
    """A redis-server of the test's own, to stop (and start again on its port) mid-flight."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
            stdout=asyncio.subprocess.DEVNULL,
        )
        await wait_until(self._answers, "the private redis-server accepts connections")

    async def stop(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            await asyncio.wait_for(self._process.wait(), 10)

    async def _answers(self) -> bool:
        client = Redis.from_url(self.url)
        try:
            return bool(await client.ping())
        except RedisError:
            return False
        finally:
            await client.aclose()


@pytest.fixture
async def private_redis():
    redis = PrivateRedis()
    await redis.start()
    try:
        yield redis
    finally:
        await redis.stop()


def replica(config: SourceConfig, cache: Cache) -> Upstream:
    """The `Upstream` one gateway replica builds for `config` (responses uncached: every call goes out)."""
    return create_source(config, SourceDeps(cache=cache, ttls={})).upstream


async def gather_all(*calls) -> list:
    return await asyncio.gather(*calls, return_exceptions=True)


def failures(results: Sequence[object]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException)]


async def test_mixed_queries_over_bandwidth_and_genesys_cloud_draw_no_429(tmp_path):
    async with (
        running_sandbox("bandwidth", size=6, rate_limits=True) as bw,
        running_sandbox("genesys_cloud", size=60, rate_limits=True) as gc,
    ):
        await Counts(bw.base_url).knobs(rate_limit={"limit": 3, "period_s": 1})
        await Counts(gc.base_url).knobs(rate_limit={"limit": 10, "period_s": 1})
        sources = bandwidth(bw, rate_limit="3/1", index=False), genesys(gc, rate_limit="10/1")
        async with gateway_for(tmp_path, *sources, redis_url=REDIS_URL) as client:
            numbers = (await gql(client, BW_NUMBERS))["data"]["recordings"]["nodes"]
            fresh = {"cache-control": "no-cache"}
            bodies = await asyncio.gather(
                gql(client, BW_BY_CALLER, n=numbers[4]["callerNumber"]),
                gql(client, PAGE_WITH_OWNERS.replace("first: 100", "first: 5")),
                client.post("/graphql", json={"query": BW_NUMBERS}, headers=fresh),
                client.post("/graphql", json={"query": PAGE_WITH_OWNERS}, headers=fresh),
            )
        for body in bodies:
            answer = body if isinstance(body, dict) else body.json()
            assert "errors" not in answer, answer
        for sandbox, limit in ((bw, 3), (gc, 10)):
            counts = Counts(sandbox.base_url)
            assert await counts.throttled() == 0, f"{sandbox.kind} answered 429"
            assert sum((await counts.read()).values()) > 4 * limit, "more calls than a few windows hold"


async def test_replicas_sharing_redis_stay_within_one_limit_together(redis_prefix):
    async with running_sandbox("bandwidth", size=5, rate_limits=True) as sandbox:
        counts = Counts(sandbox.base_url)
        await counts.knobs(rate_limit={"limit": 3, "period_s": 1})
        config = bandwidth(sandbox, rate_limit="3/1", retries=0)
        path = f"/v1/users/{sandbox.connection['user_id']}/recordings"
        caches = [RedisCache.from_url(REDIS_URL, prefix=redis_prefix) for _ in range(2)]
        replicas = [replica(config, cache) for cache in caches]
        try:
            results = await gather_all(*(replicas[i % 2].request("GET", path) for i in range(12)))
            assert failures(results) == []
            assert (await counts.read())[f"GET {BW_LIST}"] == 12
            assert await counts.throttled() == 0

            # The same two replicas pacing each on its own would send twice the limit.
            await counts.reset()
            apart = [replica(config, MemoryCache()) for _ in range(2)]
            await gather_all(*(apart[i % 2].request("GET", path) for i in range(6)))
            assert await counts.throttled() > 0, "the test would notice replicas that do not share"
            for upstream in apart:
                await upstream.aclose()
        finally:
            for upstream, cache in zip(replicas, caches, strict=True):
                await upstream.aclose()
                await cache.aclose()


async def test_a_429_pauses_the_key_for_every_caller_of_every_replica(redis_prefix):
    async with running_sandbox("genesys_cloud", size=5) as sandbox:
        counts = Counts(sandbox.base_url)
        config = genesys(sandbox, rate_max_wait_s=2)
        caches = [RedisCache.from_url(REDIS_URL, prefix=redis_prefix) for _ in range(2)]
        replicas = [replica(config, cache) for cache in caches]
        try:
            await replicas[0].request("GET", GC_SETTINGS)  # the token, shared through the cache
            await counts.reset()
            await counts.knobs(throttle_rate=1.0, retry_after_s=60)
            with pytest.raises(SourceRateLimited) as first:
                await replicas[0].request("GET", GC_SETTINGS)
            assert not isinstance(first.value, NoSlotInTime) and first.value.retry_after_s == 60
            results = await gather_all(*(replicas[i % 2].request("GET", GC_SETTINGS) for i in range(8)))
            assert all(isinstance(r, NoSlotInTime) for r in results), results
            assert await counts.throttled() == 1, "one 429, not one per caller"
            assert (await counts.read())[f"GET {GC_SETTINGS}"] == 1
        finally:
            for upstream, cache in zip(replicas, caches, strict=True):
                await upstream.aclose()
                await cache.aclose()


async def test_a_graphql_request_waits_for_a_slot_only_within_its_deadline(tmp_path):
    async with running_sandbox("bandwidth", size=3) as sandbox:
        counts = Counts(sandbox.base_url)
        source = bandwidth(sandbox, rate_limit="5/1", rate_max_wait_s=60, index=False)
        async with gateway_for(tmp_path, source, request_timeout_s=2) as client:
            await counts.knobs(throttle_rate=1.0, retry_after_s=5)
            throttled = await gql(client, BW_NUMBERS)
            assert codes(throttled) == ["SOURCE_RATE_LIMITED"], "5 s to wait: no retry within 2 s"
            await counts.knobs(throttle_rate=0.0)
            await counts.reset()
            paused = await gql(client, BW_NUMBERS)
            assert codes(paused) == ["SOURCE_RATE_LIMITED"], "the key is paused past the deadline"
            assert "no request slot before the deadline" in paused["errors"][0]["message"]
            assert await counts.read() == {}, "nothing was sent"


async def test_redis_stopping_mid_load_never_floods_the_vendor(private_redis):
    async with running_sandbox("genesys_cloud", size=5, rate_limits=True) as sandbox:
        counts = Counts(sandbox.base_url)
        await counts.knobs(rate_limit={"limit": 6, "period_s": 1})
        cache = RedisCache.from_url(private_redis.url, prefix=f"t{uuid.uuid4().hex}:")
        upstream = replica(genesys(sandbox, rate_limit="6/1"), cache)
        try:
            # Four of the window's six go through Redis (the token grant before them)...
            assert failures(await gather_all(*(upstream.request("GET", GC_SETTINGS) for _ in range(4)))) == []
            await private_redis.stop()
            # ...the rest of the load paces in process on half the budget, less what Redis last counted.
            assert failures(await gather_all(*(upstream.request("GET", GC_SETTINGS) for _ in range(12)))) == []
            served = await counts.read()
            assert served[f"GET {GC_SETTINGS}"] == 16
            assert served["POST /oauth/token"] == 1, "the token is kept in process while the cache is down"
            assert await counts.throttled() == 0
        finally:
            await upstream.aclose()
            await cache.aclose()


async def test_sends_made_without_redis_are_counted_once_it_is_back(private_redis):
    prefix = f"t{uuid.uuid4().hex}:"
    window = RateLimit(4, 60.0)
    clients = [Redis.from_url(private_redis.url) for _ in range(2)]
    one, two = (RedisWindows(client, prefix, share=0.5) for client in clients)
    try:
        assert await one.take("k", window) == 0
        await private_redis.stop()  # and with it what it counted: it keeps nothing on disk
        takes = [await one.take("k", window) for _ in range(2)]
        assert takes[0] == 0 and takes[1] > 0, "in process: half the budget, less what Redis last counted"
        await private_redis.start()

        async def shared_again() -> bool:
            return await one.take("k", window) == 0  # in process, the window stays full

        await wait_until(shared_again, "the replica paces through Redis again", timeout_s=15)
        takes = [await two.take("k", window) for _ in range(3)]
        assert takes[:2] == [0, 0] and takes[2] > 0, "the other replica sees the send made without Redis"
    finally:
        for client in clients:
            await client.aclose()
