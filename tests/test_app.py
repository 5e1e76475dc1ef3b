"""The service itself: health, readiness, GraphiQL, and subscriptions on a real server."""

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.datastructures import Secret
from starlette.types import ASGIApp, Receive, Scope, Send
from websockets.asyncio.client import connect

from gateway.app import create_app
from gateway.config import Settings
from sandboxes.serving import serve_in_thread
from tests.conftest import REDIS_URL
from tests.graphql import gql
from tests.waiting import wait_until


def keeping_lifespan_state(app: ASGIApp, kept: dict[str, Any]) -> ASGIApp:
    """`app`, its lifespan state (the `Services` it opens) also put in `kept` once the server starts it."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            kept["state"] = scope["state"]
        await app(scope, receive, send)

    return wrapped


async def test_health_and_readiness(gateway):
    assert (await gateway.get("/healthz")).json() == {"status": "up"}
    ready = await gateway.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"store": "ok", "cache": "ok"}}


async def test_graphiql_is_served_to_browsers(gateway):
    page = await gateway.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_queries_over_get(gateway):
    response = await gateway.get("/graphql", params={"query": "{ sources { id } }"})
    assert response.json() == {"data": {"sources": [{"id": "local"}]}}


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_readiness_reports_an_unreachable_redis(tmp_path: Path, store_url: str):
    app = create_app(Settings(data_dir=tmp_path, store_url=store_url, redis_url="redis://127.0.0.1:1/0"))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway") as client,
    ):
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["cache"] == "unreachable: CacheUnavailable"
        assert ready.json()["checks"]["store"] == "ok"


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
async def test_gateway_on_postgres_and_redis_is_ready(tmp_path: Path, store_url: str):
    app = create_app(Settings(data_dir=tmp_path, store_url=store_url, redis_url=REDIS_URL))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway") as client,
    ):
        assert (await client.get("/readyz")).json()["checks"] == {"store": "ok", "cache": "ok"}


SUBSCRIBE = "subscription { recordingEvents { type recordingId source } }"


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_subscription_over_graphql_transport_ws_on_a_real_server(settings, seed_recording):
    """A client subscribed over websockets sees the ingest and the delete made over HTTP."""
    kept: dict[str, Any] = {}
    with serve_in_thread(keeping_lifespan_state(create_app(settings), kept)) as base_url:
        events = kept["state"]["services"].events
        ws_url = base_url.replace("http", "ws") + "/graphql"
        async with (
            connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws,
            httpx.AsyncClient(base_url=base_url) as http,
        ):
            await ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
            await wait_until(lambda: events.live_subscriptions == 1, "the subscription reaches the event bus")
            created = await gql(
                http,
                "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { recording { id } } }",
                r=seed_recording,
            )
            recording_id = created["data"]["ingestRecording"]["recording"]["id"]
            await gql(http, "mutation($id: ID!) { deleteRecording(id: $id) { complete } }", id=recording_id)
            received = [json.loads(await asyncio.wait_for(ws.recv(), 5)) for _ in range(2)]
        assert [e["type"] for e in received] == ["next", "next"]
        assert [e["payload"]["data"]["recordingEvents"] for e in received] == [
            {"type": "CREATED", "recordingId": recording_id, "source": "local"},
            {"type": "DELETED", "recordingId": recording_id, "source": "local"},
        ]


def test_settings_never_show_the_cursor_secret():
    settings = Settings(cursor_secret=Secret("do-not-print"))
    assert "do-not-print" not in repr(settings)
