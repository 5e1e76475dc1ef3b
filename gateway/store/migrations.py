"""Versioned schema migrations of the local store, applied in order at start-up.

Each migration runs in its own transaction together with its ``schema_migrations`` row, so a
crash leaves the schema at one version or the next. Append new migrations; never edit one
that has shipped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.store import tables

__all__ = ["MIGRATIONS", "migrate"]

Migration = Callable[[AsyncConnection], Awaitable[None]]


async def _create_recording_tables(conn: AsyncConnection) -> None:
    await conn.run_sync(tables.metadata.create_all, tables=[tables.recordings, tables.contacts, tables.user_data])


async def _create_annotations(conn: AsyncConnection) -> None:
    await conn.run_sync(tables.metadata.create_all, tables=[tables.annotation_rows])


async def _create_retention_policies(conn: AsyncConnection) -> None:
    await conn.run_sync(tables.metadata.create_all, tables=[tables.retention_policies])


async def _create_recording_index(conn: AsyncConnection) -> None:
    await conn.run_sync(tables.metadata.create_all, tables=[tables.recording_index, tables.index_walks])


MIGRATIONS: list[tuple[int, str, Migration]] = [
    (1, "create recordings, contacts and user data", _create_recording_tables),
    (2, "create gateway-kept annotations", _create_annotations),
    (3, "create the local store's retention policies", _create_retention_policies),
    (4, "create the index of other sources' recordings", _create_recording_index),
]


async def migrate(engine: AsyncEngine) -> int:
    """Apply the migrations not yet applied; return the schema version reached."""
    async with engine.begin() as conn:
        await conn.run_sync(tables.metadata.create_all, tables=[tables.schema_migrations])
    version = 0
    for number, name, apply in MIGRATIONS:
        async with engine.begin() as conn:
            applied = await conn.scalar(
                sa.select(tables.schema_migrations.c.version).where(tables.schema_migrations.c.version == number)
            )
            if applied is None:
                await apply(conn)
                await conn.execute(
                    tables.schema_migrations.insert().values(
                        version=number, name=name, applied_at=datetime.now(UTC).replace(tzinfo=None)
                    )
                )
        version = number
    return version
