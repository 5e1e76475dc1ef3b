"""Retention policies: when recordings are archived and deleted, per source."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from gateway import models
from gateway.ids import GlobalId
from gateway.sources.base import Capability
from resolvers.common import DEFAULT_PAGE_SIZE, Connection, Info, Node, by_source_connection

__all__ = ["PolicyQuery", "RetentionPolicy"]


@strawberry.type
class RetentionPolicy(Node):
    source: str
    source_id: str
    name: str
    enabled: bool
    description: str | None
    order: int | None
    created_at: datetime | None
    modified_at: datetime | None
    archive_after_days: int | None
    delete_after_days: int | None
    vendor_data: JSON

    @classmethod
    def from_domain(cls, p: models.RetentionPolicy) -> "RetentionPolicy":
        return cls(
            id=strawberry.ID(GlobalId(p.source, "RetentionPolicy", p.source_id).encode()), source=p.source,
            source_id=p.source_id, name=p.name, enabled=p.enabled, description=p.description, order=p.order,
            created_at=p.created_at, modified_at=p.modified_at, archive_after_days=p.archive_after_days,
            delete_after_days=p.delete_after_days, vendor_data=p.vendor_data,
        )


@strawberry.type
class PolicyQuery:
    @strawberry.field(description="Retention policies of every source that has them, by source then id.")
    async def retention_policies(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[RetentionPolicy]:
        sources = [s for s in info.context.services.sources.values() if Capability.RETENTION_POLICIES in s.capabilities]
        return await by_source_connection(
            info, sources, lambda source, position, limit: source.list_retention_policies(position, limit),
            RetentionPolicy.from_domain, query="retentionPolicies", first=first, after=after,
        )
