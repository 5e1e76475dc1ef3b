"""`PolicyStore`: retention policies the gateway owns for its local store, and applying them.

A recording falls under the first enabled policy, by `order` then id, whose conditions it meets
(today: an optional region); its archive and delete dates count from its start time.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.errors import BadInput, NotFound
from gateway.models import Recording, Retention, RetentionPolicy
from gateway.store.tables import retention_policies

__all__ = ["PolicyChanges", "PolicyStore", "retention_for"]


@dataclasses.dataclass(frozen=True)
class PolicyChanges:
    """Fields to set; None leaves a field as it is (on create: the default)."""

    name: str | None = None
    description: str | None = None
    enabled: bool | None = None
    order: int | None = None
    region: str | None = None
    archive_after_days: int | None = None
    delete_after_days: int | None = None


def _policy(row: Any, source: str) -> RetentionPolicy:
    return RetentionPolicy(
        source=source,
        source_id=row.id,
        name=row.name,
        enabled=row.enabled,
        description=row.description,
        order=row.order,
        created_at=row.created_at.replace(tzinfo=UTC),
        modified_at=row.modified_at.replace(tzinfo=UTC),
        archive_after_days=row.archive_after_days,
        delete_after_days=row.delete_after_days,
        vendor_data={"region": row.region} if row.region else {},
    )


def _values(changes: PolicyChanges) -> dict[str, Any]:
    values = {k: v for k, v in dataclasses.asdict(changes).items() if v is not None}
    if "name" in values and not values["name"].strip():
        raise BadInput("a retention policy needs a name")
    for key in ("archive_after_days", "delete_after_days"):
        if values.get(key, 0) < 0:
            raise BadInput(f"{key} must not be negative")
    return values


def retention_for(recording: Recording, policies: Sequence[RetentionPolicy]) -> Retention | None:
    """The dates the first matching enabled policy gives `recording` (policies in application order)."""
    start = recording.start_time
    for policy in policies:
        region = policy.vendor_data.get("region")
        if not policy.enabled or start is None or (region and region != recording.region):
            continue
        return Retention(
            archive_at=start + timedelta(days=policy.archive_after_days)
            if policy.archive_after_days is not None
            else None,
            delete_at=start + timedelta(days=policy.delete_after_days)
            if policy.delete_after_days is not None
            else None,
            policy_id=policy.source_id,
        )
    return None


class PolicyStore:
    def __init__(self, engine: AsyncEngine, source: str) -> None:
        self.engine = engine
        self.source = source
        self._writer = engine.execution_options(writer=True)

    async def all(self) -> list[RetentionPolicy]:
        """Every policy, in application order (order, then id)."""
        statement = sa.select(retention_policies).order_by(retention_policies.c.order, retention_policies.c.id)
        async with self.engine.connect() as conn:
            return [_policy(row, self.source) for row in await conn.execute(statement)]

    async def create(self, changes: PolicyChanges) -> RetentionPolicy:
        values = _values(changes)
        if "name" not in values:
            raise BadInput("a retention policy needs a name")
        now = datetime.now(UTC).replace(tzinfo=None)
        row = {"id": str(uuid.uuid4()), "enabled": True, "order": 0, "created_at": now, "modified_at": now, **values}
        async with self._writer.begin() as conn:
            await conn.execute(retention_policies.insert().values(**row))
        return await self.get(row["id"])

    async def get(self, policy_id: str) -> RetentionPolicy:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(sa.select(retention_policies).where(retention_policies.c.id == policy_id))
            ).first()
        if row is None:
            raise NotFound(f"retention policy {policy_id} not found")
        return _policy(row, self.source)

    async def update(self, policy_id: str, changes: PolicyChanges) -> RetentionPolicy:
        values = {**_values(changes), "modified_at": datetime.now(UTC).replace(tzinfo=None)}
        async with self._writer.begin() as conn:
            result = await conn.execute(
                retention_policies.update().where(retention_policies.c.id == policy_id).values(**values)
            )
        if not result.rowcount:
            raise NotFound(f"retention policy {policy_id} not found")
        return await self.get(policy_id)

    async def delete(self, policy_id: str) -> None:
        async with self._writer.begin() as conn:
            result = await conn.execute(retention_policies.delete().where(retention_policies.c.id == policy_id))
        if not result.rowcount:
            raise NotFound(f"retention policy {policy_id} not found")
