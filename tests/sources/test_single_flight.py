"""Identical queries at once cost the vendor one query's calls; Redis holds under load, one round trip a hit.

Counted at the vendor sandboxes (`/_sandbox/counts`) and, for round trips, by Redis itself
(``MONITOR``). Each test names its source instance afresh: cache keys hold the instance, so
nothing another test (or run) left in the shared Redis is a hit here.
"""

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import pytest
from redis.asyncio import Redis

from gateway.cache import DEFAULT_POOL_SIZE
from sandboxes.runner import RunningSandbox
from tests.conftest import REDIS_URL
from tests.graphql import gql, without_cursors
from tests.sources.conftest import Counts, gateway_for, running_sandbox, source_config

QUERY = "{ recordings(first: 50) { nodes { sourceId owner { name email } } } }"
CONCURRENT = 16
CREDENTIALS = {"genesys_cloud": ("client_id", "client_secret"), "webex": ("token", "admin_token")}


@pytest.fixture(params=["genesys_cloud", "webex"])
async def sandbox(request: pytest.FixtureRequest) -> AsyncIterator[RunningSandbox]:
    async with running_sandbox(request.param, size=60) as running:
        yield running


def fresh_source(sandbox: RunningSandbox):
    """The sandbox as a source instance no cache has seen."""
    names = CREDENTIALS[sandbox.kind]
    return source_config(sandbox, f"s-{uuid.uuid4().hex[:8]}", {n: sandbox.connection[n] for n in names})


async def answer(client: httpx.AsyncClient) -> dict:
    body = await gql(client, QUERY)
    assert "errors" not in body, body
    nodes = body["data"]["recordings"]["nodes"]
    assert len(nodes) == 50 and any(node["owner"] and node["owner"]["email"] for node in nodes)
    return without_cursors(body)


async def calls_of_one_query(sandbox: RunningSandbox, tmp_path, **settings) -> tuple[dict[str, int], dict]:
    """What one cold query costs the vendor, and its answer."""
    counts = Counts(sandbox.base_url)
    async with gateway_for(tmp_path / "one", fresh_source(sandbox), **settings) as client:
        await counts.reset()
        body = await answer(client)
        return await counts.read(), body


@pytest.mark.parametrize("redis_url", [None, REDIS_URL], ids=["memory", "redis"])
async def test_identical_concurrent_queries_cost_the_calls_of_one(sandbox, tmp_path, redis_url):
    one, expected = await calls_of_one_query(sandbox, tmp_path, redis_url=redis_url)
    counts = Counts(sandbox.base_url)
    async with gateway_for(tmp_path / "many", fresh_source(sandbox), redis_url=redis_url) as client:
        await counts.reset()
        answers = await asyncio.gather(*(answer(client) for _ in range(CONCURRENT)))
        assert await counts.read() == one, f"{CONCURRENT} identical cold queries, the calls of one"
        assert all(body == expected for body in answers)


async def test_two_replicas_sharing_redis_cost_about_the_calls_of_one(sandbox, tmp_path):
    one, expected = await calls_of_one_query(sandbox, tmp_path, redis_url=REDIS_URL)
    source = fresh_source(sandbox)  # the same configuration on both replicas
    counts = Counts(sandbox.base_url)
    async with AsyncExitStack() as stack:
        replicas = [
            await stack.enter_async_context(gateway_for(tmp_path / name, source, redis_url=REDIS_URL))
            for name in ("a", "b")
        ]
        await counts.reset()
        answers = await asyncio.gather(*(answer(replicas[i % 2]) for i in range(CONCURRENT)))
        served = await counts.read()
    assert all(body == expected for body in answers)
    # Each replica may fetch its own OAuth token at start; every data call is made once.
    assert sum(served.values()) <= 1.1 * sum(one.values()), (served, one)
    assert {k: v for k, v in served.items() if "oauth" not in k} == {k: v for k, v in one.items() if "oauth" not in k}


@pytest.mark.parametrize("pool_size", [2, DEFAULT_POOL_SIZE])
async def test_under_load_redis_is_waited_for_not_missed(sandbox, tmp_path, pool_size):
    counts = Counts(sandbox.base_url)
    async with gateway_for(tmp_path, fresh_source(sandbox), redis_url=REDIS_URL, redis_pool_size=pool_size) as client:
        first = await asyncio.gather(*(answer(client) for _ in range(CONCURRENT)))
        await counts.reset()
        second = await asyncio.gather(*(answer(client) for _ in range(CONCURRENT)))
        assert await counts.read() == {}, f"the second wave is all hits, over {pool_size} connections"
        assert second == first


@asynccontextmanager
async def redis_commands() -> AsyncIterator[list[dict]]:
    """The commands Redis runs while the block runs, from this process's cache connections (by name)."""
    seen: list[dict] = []
    redis = Redis.from_url(REDIS_URL)
    end = f"end-{uuid.uuid4().hex}"
    try:
        async with redis.monitor() as monitor:

            async def watch() -> None:
                async for command in monitor.listen():
                    if command["command"] == f"ECHO {end}":
                        return
                    seen.append(command)

            watching = asyncio.create_task(watch())
            collected: list[dict] = []
            yield collected
            await redis.echo(end)  # MONITOR shows commands in the order Redis ran them
            await asyncio.wait_for(watching, 10)
        name = f"recgate-cache:{socket.gethostname()}:{os.getpid()}"
        ours = {client["addr"] for client in await redis.client_list() if client.get("name") == name}
        collected += [c for c in seen if f"{c['client_address']}:{c['client_port']}" in ours]
    finally:
        await redis.aclose()


async def test_a_hit_is_one_redis_round_trip(tmp_path):
    async with (
        running_sandbox("webex", size=60) as sandbox,
        gateway_for(tmp_path, fresh_source(sandbox), redis_url=REDIS_URL) as client,
    ):
        counts = Counts(sandbox.base_url)
        await counts.reset()
        expected = await answer(client)
        cold = await counts.read()
        assert cold == {"GET /v1/admin/convergedRecordings": 1, "GET /v1/people": 1}, "a listing and one people batch"
        await counts.reset()
        async with redis_commands() as commands:
            assert await answer(client) == expected
        assert await counts.read() == {}
        # One MGET of the listing (its generation and entry), one of the people (the generation and each person).
        assert [command["command"].split()[0] for command in commands] == ["MGET", "MGET"], commands
