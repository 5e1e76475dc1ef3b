"""Two gateway processes sharing PostgreSQL and Redis, as replicas behind a load balancer."""

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from sandboxes.serving import free_port
from tests.conftest import POSTGRES_URL, REDIS_URL
from tests.graphql import gql

SUBSCRIBE = "subscription { recordingEvents { type recordingId source } }"


@contextmanager
def replica(data_dir: Path) -> Iterator[str]:
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
            for _ in range(100):
                try:
                    if httpx.get(f"{base_url}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, "the replica exited"
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            process.wait(timeout=15)


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
async def test_a_subscriber_on_one_replica_sees_a_mutation_on_the_other(tmp_path, store_url, seed_recording):
    with replica(tmp_path / "a") as first, replica(tmp_path / "b") as second:
        async with (
            connect(first.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]) as ws,
            httpx.AsyncClient(base_url=second) as http,
        ):
            await ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
            await asyncio.sleep(0.3)  # the subscription reaches Redis before the mutation
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
