"""The gateway's state for the bench: a PostgreSQL database of its own, the local store's
recordings, one 50 MB media object, and the Redis cache emptied between cold measurements (the
pacer's windows kept).

The database is created on the server the tests use (as tests/conftest.py does) and dropped at
the end; the cache lives in a Redis database number of its own (`DEFAULT_REDIS_URL`), so the
bench never touches what concurrent test runs keep in database 0.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.config import Settings
from gateway.store import RecordingStore
from gateway.store.engage import format_time
from sandboxes.audio import Audio
from sandboxes.genesys_engage.data import seed_store
from sandboxes.world import anchor_now

__all__ = [
    "DEFAULT_POSTGRES_SERVER",
    "DEFAULT_REDIS_URL",
    "MEDIA_BYTES",
    "MEDIA_RECORDING_ID",
    "bench_database",
    "clear_redis_database",
    "evict_cache",
    "forget_pacing",
    "seed_local_store",
]

DEFAULT_POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
# What `RedisCache` puts before every key, and the keys kept between cold measurements: a client's
# OAuth token outlives any one query, and fetching one is not what a cold query measures; the
# pacer's windows count what the vendor has counted, which emptying a cache does not undo.
_CACHE_PREFIX = "recgate:"
_PACING = f"{_CACHE_PREFIX}pace:"
_KEPT = (f"{_CACHE_PREFIX}oauth:".encode(), _PACING.encode())
# The seed of the local store's recordings (the Engage sandbox uses 0: other calls, same people).
LOCAL_SEED = 1
MEDIA_RECORDING_ID = "BENCH-MEDIA-50MB"
MEDIA_BYTES = 50 * 1024 * 1024
_MEDIA_BUCKET, _MEDIA_KEY = "bench", "media/50mb.wav"
_WRITE_CHUNK = 1 << 20


@contextlib.asynccontextmanager
async def bench_database(server_url: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database on `server_url`'s server, dropped on the way out: its URL."""
    name = f"recgate_bench_{os.getpid()}"
    server = create_async_engine(Settings(store_url=server_url).database_url, isolation_level="AUTOCOMMIT")

    async def admin(statement: str) -> None:
        async with server.connect() as connection:
            await connection.execute(sa.text(statement))

    try:
        await admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin(f"CREATE DATABASE {name}")
        try:
            yield server_url.rsplit("/", 1)[0] + "/" + name
        finally:
            await admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await server.dispose()


async def _delete_keys(redis_url: str, match: str, keep: tuple[bytes, ...] = ()) -> int:
    """Delete the keys matching `match` but those starting with one of `keep`; how many were deleted."""
    client = Redis.from_url(redis_url)
    deleted = 0
    try:
        batch: list[bytes] = []
        async for key in client.scan_iter(match=match, count=1000):
            if not key.startswith(keep):
                batch.append(key)
            if len(batch) >= 1000:
                deleted += await client.delete(*batch)
                batch.clear()
        if batch:
            deleted += await client.delete(*batch)
    finally:
        await client.aclose()
    return deleted


async def evict_cache(redis_url: str) -> int:
    """Delete every gateway cache entry but OAuth tokens and the pacer's windows; how many were deleted."""
    return await _delete_keys(redis_url, f"{_CACHE_PREFIX}*", keep=_KEPT)


async def forget_pacing(redis_url: str) -> int:
    """Delete the pacer's windows and pauses (for sandboxes whose own windows were just reset)."""
    return await _delete_keys(redis_url, f"{_PACING}*")


async def clear_redis_database(redis_url: str) -> None:
    """Start from nothing: the bench's Redis database emptied (tokens included)."""
    client = Redis.from_url(redis_url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


def _media_document(media: Audio) -> dict[str, Any]:
    """A local recording whose one media file is the 50 MB WAV, older than every seeded one."""
    start = anchor_now() - timedelta(days=3 * 365)
    stop = start + timedelta(milliseconds=media.duration_ms)
    agent = {
        "type": "User",
        "phoneNumber": "+1000",
        "userName": "bench@example.com",
        "firstName": "Bench",
        "lastName": "Media",
    }
    return {
        "id": MEDIA_RECORDING_ID,
        "callerPhoneNumber": "+16505550000",
        "dialedPhoneNumber": "+18005550100",
        "region": "us-east",
        "mediaFiles": [
            {
                "mediaDescriptor": {"storage": "awsS3", "path": _MEDIA_KEY, "data": {"bucket": _MEDIA_BUCKET}},
                "callUUID": MEDIA_RECORDING_ID,
                "startTime": format_time(start),
                "stopTime": format_time(stop),
                "type": "audio/wav",
                "size": str(media.length),
            }
        ],
        "eventHistory": [{"occurredAt": format_time(start), "event": "Joined", "contact": agent}],
    }


def _write_media(media: Audio, object_root: Path) -> None:
    path = object_root / _MEDIA_BUCKET / _MEDIA_KEY
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        for offset in range(0, media.length, _WRITE_CHUNK):
            handle.write(media.read(offset, offset + _WRITE_CHUNK))


async def seed_local_store(store_url: str, size: int, object_root: Path) -> None:
    """`size` recordings in the local store (the Engage sandbox's generator, ingested through the
    store directly), plus the 50 MB media recording and its object."""
    # 8 kHz, 16-bit PCM: 16 bytes a millisecond.
    media = Audio(MEDIA_RECORDING_ID, MEDIA_BYTES // 16)
    _write_media(media, object_root)
    store = await RecordingStore.open(Settings(store_url=store_url).database_url)
    try:
        await seed_store(store, LOCAL_SEED, size, anchor=anchor_now(), region="us-east")
        await store.ingest(_media_document(media))
    finally:
        await store.aclose()
