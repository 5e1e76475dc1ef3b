"""A Redis that dies mid-flight: queries keep answering, uncached, and readiness says so."""

import asyncio

from sandboxes.serving import free_port
from tests.graphql import gql
from tests.sources.conftest import Counts, gateway_for, running_sandbox
from tests.sources.test_bandwidth import bandwidth

QUERY = "{ recordings(first: 5) { nodes { sourceId } } }"
HEALTH = "{ sources { id health { cacheReachable } } }"


async def test_queries_survive_redis_stopping(tmp_path):
    port = free_port()
    redis = await asyncio.create_subprocess_exec(
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        stdout=asyncio.subprocess.DEVNULL,
    )
    try:
        async with (
            running_sandbox("bandwidth", size=10) as sandbox,
            gateway_for(tmp_path, bandwidth(sandbox), redis_url=f"redis://127.0.0.1:{port}/0") as client,
        ):
            counts = Counts(sandbox.base_url)
            for _ in range(50):  # redis-server takes a moment to accept connections
                if (await client.get("/readyz")).status_code == 200:
                    break
            first = await gql(client, QUERY)
            assert "errors" not in first
            health = (await gql(client, HEALTH))["data"]["sources"]
            assert all(s["health"]["cacheReachable"] for s in health)
            await counts.reset()
            assert (await gql(client, QUERY))["data"]["recordings"] == first["data"]["recordings"]
            assert "GET /v1/users/{userId}/recordings" not in await counts.read(), "served from Redis"

            redis.terminate()
            await asyncio.wait_for(redis.wait(), 10)
            after = await gql(client, QUERY)
            assert "errors" not in after, after
            assert after["data"]["recordings"] == first["data"]["recordings"]
            health = (await gql(client, HEALTH))["data"]["sources"]
            assert not any(s["health"]["cacheReachable"] for s in health)
            assert (await counts.read())["GET /v1/users/{userId}/recordings"] >= 1, "answered from the source"
            ready = await client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["checks"]["cache"].startswith("unreachable")
    finally:
        if redis.returncode is None:
            redis.kill()
        await asyncio.wait_for(redis.wait(), 10)
