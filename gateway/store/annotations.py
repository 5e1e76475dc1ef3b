"""`AnnotationStore`: annotations the gateway keeps for recordings of sources that have none."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.errors import BadInput, NotFound
from gateway.models import Annotation, AnnotationChanges
from gateway.store.tables import annotation_rows

__all__ = ["ANNOTATIONS_SOURCE", "AnnotationStore"]

# Gateway-kept annotations have ids in the local store's namespace, whatever they annotate.
ANNOTATIONS_SOURCE = "local"


def _annotation(row: Any) -> Annotation:
    return Annotation(
        source=ANNOTATIONS_SOURCE,
        source_id=row.id,
        recording_id=row.recording_id,
        recording_source=row.recording_source,
        name=row.name,
        type="gateway",
        description=row.description,
        location_ms=row.location_ms,
        duration_ms=row.duration_ms,
        created_at=row.created_at.replace(tzinfo=UTC),
        vendor_data={"createdByPrincipal": row.created_by},
    )


def _values(changes: AnnotationChanges) -> dict[str, Any]:
    values = {k: v for k, v in vars(changes).items() if v is not None}
    for key in ("location_ms", "duration_ms"):
        if values.get(key, 0) < 0:
            raise BadInput(f"{key} must not be negative")
    return values


class AnnotationStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(writer=True)

    async def for_recordings(self, keys: Sequence[tuple[str, str]]) -> list[list[Annotation]]:
        """The annotations of each (source, recording id), oldest first."""
        found: dict[tuple[str, str], list[Annotation]] = {key: [] for key in keys}
        statement = (
            sa.select(annotation_rows)
            .where(sa.tuple_(annotation_rows.c.recording_source, annotation_rows.c.recording_id).in_(list(set(keys))))
            .order_by(annotation_rows.c.created_at, annotation_rows.c.id)
        )
        async with self.engine.connect() as conn:
            for row in await conn.execute(statement):
                found[(row.recording_source, row.recording_id)].append(_annotation(row))
        return [found[key] for key in keys]

    async def create(
        self, recording_source: str, recording_id: str, changes: AnnotationChanges, created_by: str
    ) -> Annotation:
        now = datetime.now(UTC).replace(tzinfo=None)
        row = {
            "id": str(uuid.uuid4()),
            "recording_source": recording_source,
            "recording_id": recording_id,
            "created_by": created_by,
            "created_at": now,
            "updated_at": now,
            **_values(changes),
        }
        async with self._writer.begin() as conn:
            await conn.execute(annotation_rows.insert().values(**row))
        return await self.get(row["id"])

    async def get(self, annotation_id: str) -> Annotation:
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(annotation_rows).where(annotation_rows.c.id == annotation_id))).first()
        if row is None:
            raise NotFound(f"annotation {annotation_id} not found")
        return _annotation(row)

    async def update(self, annotation_id: str, changes: AnnotationChanges) -> Annotation:
        values = {**_values(changes), "updated_at": datetime.now(UTC).replace(tzinfo=None)}
        async with self._writer.begin() as conn:
            result = await conn.execute(
                annotation_rows.update().where(annotation_rows.c.id == annotation_id).values(**values)
            )
        if not result.rowcount:
            raise NotFound(f"annotation {annotation_id} not found")
        return await self.get(annotation_id)

    async def delete(self, annotation_id: str) -> None:
        async with self._writer.begin() as conn:
            result = await conn.execute(annotation_rows.delete().where(annotation_rows.c.id == annotation_id))
        if not result.rowcount:
            raise NotFound(f"annotation {annotation_id} not found")
