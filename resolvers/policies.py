"""Retention policies: when recordings are archived and deleted, per source."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from gateway import models
from gateway.errors import Unsupported
from gateway.ids import GlobalId
from gateway.sources.base import PolicySource
from gateway.store.policies import PolicyChanges
from resolvers.common import DEFAULT_PAGE_SIZE, Connection, Info, Node, by_source_connection

__all__ = ["PolicyMutation", "PolicyQuery", "RetentionPolicy"]


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
            id=strawberry.ID(GlobalId(p.source, "RetentionPolicy", p.source_id).encode()),
            source=p.source,
            source_id=p.source_id,
            name=p.name,
            enabled=p.enabled,
            description=p.description,
            order=p.order,
            created_at=p.created_at,
            modified_at=p.modified_at,
            archive_after_days=p.archive_after_days,
            delete_after_days=p.delete_after_days,
            vendor_data=JSON(p.vendor_data),
        )


@strawberry.type
class PolicyQuery:
    @strawberry.field(description="Retention policies of every source that has them, by source then id.")
    async def retention_policies(
        self, info: Info, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[RetentionPolicy]:
        sources = [s for s in info.context.services.sources.values() if isinstance(s, PolicySource)]
        return await by_source_connection(
            info,
            sources,
            lambda source, position, limit: source.list_retention_policies(position, limit),
            RetentionPolicy.from_domain,
            query="retentionPolicies",
            first=first,
            after=after,
        )


@strawberry.input(description="A retention policy the gateway applies to its local store; unset fields stay.")
class RetentionPolicyInput:
    name: str | None = None
    description: str | None = None
    enabled: bool | None = None
    order: int | None = strawberry.field(default=None, description="Lower applies first.")
    region: str | None = strawberry.field(default=None, description="Only recordings of this region.")
    archive_after_days: int | None = None
    delete_after_days: int | None = None

    def to_domain(self) -> PolicyChanges:
        return PolicyChanges(
            name=self.name,
            description=self.description,
            enabled=self.enabled,
            order=self.order,
            region=self.region,
            archive_after_days=self.archive_after_days,
            delete_after_days=self.delete_after_days,
        )


@strawberry.type
class DeleteRetentionPolicyPayload:
    deleted_id: strawberry.ID


def _local_policy(info: Info, id: strawberry.ID) -> str:
    target = GlobalId.decode(id, expected_type="RetentionPolicy")
    if target.source != info.context.services.local.instance:
        raise Unsupported(f"policies of {target.source} are changed through its own namespace")
    return target.native_id


@strawberry.type
class PolicyMutation:
    @strawberry.mutation(description="A retention policy for the gateway's local store.")
    async def create_retention_policy(self, info: Info, input: RetentionPolicyInput) -> RetentionPolicy:
        return RetentionPolicy.from_domain(await info.context.services.local.policies.create(input.to_domain()))

    @strawberry.mutation
    async def update_retention_policy(
        self, info: Info, id: strawberry.ID, input: RetentionPolicyInput
    ) -> RetentionPolicy:
        policies = info.context.services.local.policies
        return RetentionPolicy.from_domain(await policies.update(_local_policy(info, id), input.to_domain()))

    @strawberry.mutation
    async def delete_retention_policy(self, info: Info, id: strawberry.ID) -> DeleteRetentionPolicyPayload:
        await info.context.services.local.policies.delete(_local_policy(info, id))
        return DeleteRetentionPolicyPayload(deleted_id=id)
