"""Shared fixtures: real SQLite and PostgreSQL stores, real Redis, the gateway in-process."""

import asyncio
import dataclasses
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager
from starlette.datastructures import Secret

from gateway.app import create_app
from gateway.config import Settings
from gateway.models import SourceKind
from gateway.sources.registry import has_connector
from gateway.store import RecordingStore
from gateway.store.tables import annotation_rows, contacts, index_walks, recording_index, recordings, user_data
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.runner import KINDS, start_sandboxes, stop_sandboxes

# The PostgreSQL server CI provides (database `test`); each test session works in a database of its own
# on it, so concurrent runs never see each other's rows.
POSTGRES_SERVER = os.environ.get("RECGATE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
SESSION_DATABASE = f"recgate_test_{os.getpid()}"
POSTGRES_URL = POSTGRES_SERVER.rsplit("/", 1)[0] + "/" + SESSION_DATABASE
REDIS_URL = os.environ.get("RECGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DATA = Path(__file__).parent / "data"


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(POSTGRES_SERVER)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session", autouse=True)
def _session_database() -> Iterator[None]:
    asyncio.run(_admin(f"CREATE DATABASE {SESSION_DATABASE}"))
    yield
    asyncio.run(_admin(f"DROP DATABASE IF EXISTS {SESSION_DATABASE} WITH (FORCE)"))


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build Settings explicitly; no RECGATE_* variable of the developer's may leak in."""
    for name in list(os.environ):
        if name.startswith("RECGATE_") and not name.startswith("RECGATE_TEST_"):
            monkeypatch.delenv(name)


async def _empty_postgres() -> None:
    store = await RecordingStore.open(Settings(store_url=POSTGRES_URL).database_url)
    async with store.engine.begin() as conn:
        for table in (contacts, user_data, recordings, annotation_rows, recording_index, index_walks):
            await conn.execute(sa.delete(table))
    await store.aclose()


@pytest.fixture(params=["sqlite", "postgres"])
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store: SQLite in a temp dir, or the real PostgreSQL emptied first."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    await _empty_postgres()
    return POSTGRES_URL


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[RecordingStore]:
    store = await RecordingStore.open(Settings(store_url=store_url).database_url)
    yield store
    await store.aclose()


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, store_url=store_url, cursor_secret=Secret("test-cursor-secret"))


@pytest.fixture
async def gateway(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway app, lifespan started, behind an in-process httpx client."""
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway") as client,
    ):
        yield client


@pytest.fixture
def seed_recording() -> dict[str, Any]:
    """The S3 example of the Engage seed, as a recorder would POST it."""
    import json

    document: dict[str, Any] = json.loads((DATA / "engage_s3_example.json").read_text())
    return document


@pytest.fixture
def redis_prefix() -> str:
    return f"recgate-test:{uuid.uuid4().hex}:"


@pytest.fixture
async def five_sources(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """The embedded setup's sources (a sandbox of each vendor, 40 recordings each unless the test's
    indirect parameter says how many) plus 30 local recordings a day apart.

    The vendors' rate limits are lifted, and the gateway's pacing with them (tests/sources and the
    pacing tests exercise both): these tests page a lot. Yields the client and the gateway's
    `Services` (to run an index sync).
    """
    from tests.store.test_recording_store import make_recording

    size = getattr(request, "param", 40)
    kinds = [kind for kind in KINDS if has_connector(SourceKind(kind))]
    sandboxes = await start_sandboxes(kinds, SandboxConfig(size=size, knobs=Knobs(rate_limits=False)))
    sources = tuple(dataclasses.replace(s.source_config, options={"rate_limit": False}) for s in sandboxes)
    settings = Settings(data_dir=tmp_path, cursor_secret=Secret("s"), sources=sources)
    try:
        async with (
            LifespanManager(create_app(settings), startup_timeout=120) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway", timeout=60
            ) as client,
        ):
            for index in range(0, 30 * 24, 24):
                body = await client.post(
                    "/graphql",
                    json={
                        "query": "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }",
                        "variables": {"r": make_recording(index)},
                    },
                )
                assert body.json()["data"]["ingestRecording"]["created"]
            yield client, manager._state["services"]
    finally:
        await stop_sandboxes(sandboxes)
