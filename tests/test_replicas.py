"""Two gateway processes sharing PostgreSQL and Redis, as replicas behind a load balancer."""

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis
from websockets.asyncio.client import connect

from gateway.events import EventType, RecordingChange, RedisEvents, connection_name
from sandboxes.serving import free_port
from tests.conftest import POSTGRES_URL, REDIS_URL
from tests.graphql import gql
from tests.waiting import wait_until

SUBSCRIBE = "subscription { recordingEvents { type recordingId source } }"


READY_WITHIN_S = 30


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@contextmanager
def replica(data_dir: Path) -> Iterator[tuple[str, int]]:
    """A gateway process, ready: its base URL and process id."""
    port = free_port()
    environ = {
        **os.environ,
        "RECGATE_PORT": str(port),
        "RECGATE_DATA_DIR": str(data_dir),
        "RECGATE_STORE_URL": POSTGRES_URL,
        "RECGATE_REDIS_URL": REDIS_URL,
        "RECGATE_CURSOR_SECRET": "shared-by-replicas",
        "RECGATE_SANDBOXES": "false",
        "RECGATE_LOG_LEVEL": "warning",
    }
    with subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve"], env=environ, stdout=subprocess.DEVNULL
    ) as process:
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + READY_WITHIN_S
            while True:  # poll readiness until the deadline
                try:
                    if httpx.get(f"{base_url}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, "the replica exited"
                assert time.monotonic() < deadline, f"the replica was not ready within {READY_WITHIN_S} s"
                time.sleep(0.05)
            yield base_url, process.pid
        finally:
            process.terminate()
            process.wait(timeout=15)


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
async def _subscribed_in_redis(redis: Redis, pid: int) -> bool:
    """Whether Redis has a channel subscription on a connection of the gateway process `pid`."""
    return any(
        client.get("name") == connection_name(pid) and int(client.get("sub", 0)) > 0
        for client in await redis.client_list()
    )


async def test_a_subscriber_on_one_replica_sees_a_mutation_on_the_other(tmp_path, store_url, seed_recording, redis):
    with replica(tmp_path / "a") as (first, first_pid), replica(tmp_path / "b") as (second, _):
        async with (
            connect(first.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]) as ws,
            httpx.AsyncClient(base_url=second) as http,
        ):
            await ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
            await wait_until(lambda: _subscribed_in_redis(redis, first_pid), "the subscription reaches Redis")
            body = await gql(
                http,
                "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { recording { id } } }",
                r=seed_recording,
            )
            recording_id = body["data"]["ingestRecording"]["recording"]["id"]
            event = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert event["payload"]["data"]["recordingEvents"] == {
            "type": "CREATED",
            "recordingId": recording_id,
            "source": "local",
        }
        async with httpx.AsyncClient(base_url=first) as http:
            listing = await gql(http, "{ recordings { nodes { id } } }")
        assert listing["data"]["recordings"]["nodes"] == [{"id": recording_id}], "both replicas share the store"


async def test_redis_events_count_a_subscription_live_once_redis_confirms_it():
    """What one bus publishes reaches a subscriber on another once `live_subscriptions` counts it."""
    channel = f"recgate-test:{uuid.uuid4().hex}:events"
    publisher, subscriber = (RedisEvents(Redis.from_url(REDIS_URL), channel) for _ in range(2))
    change = RecordingChange(EventType.CREATED, "local", "r-1", datetime(2024, 5, 1, 12, 0))
    changes = subscriber.subscribe()
    first = asyncio.ensure_future(anext(changes))
    try:
        await wait_until(lambda: subscriber.live_subscriptions == 1, "Redis confirms the subscription")
        await publisher.publish(change)
        assert await asyncio.wait_for(first, 5) == change
        await changes.aclose()
        assert subscriber.live_subscriptions == 0
    finally:
        first.cancel()
        await asyncio.gather(first, return_exceptions=True)
        await changes.aclose()
        await publisher.aclose()
        await subscriber.aclose()
