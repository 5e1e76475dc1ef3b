"""The configured source instances, their capabilities and health."""

from datetime import UTC, datetime

import strawberry

from gateway.sources import base
from resolvers.common import Info
from resolvers.enums import SourceCapability, SourceHealthStatus, SourceKind

__all__ = ["Source", "SourceHealth", "SourceQuery"]


@strawberry.type
class SourceHealth:
    status: SourceHealthStatus  # type: ignore[valid-type]
    message: str | None
    checked_at: datetime


@strawberry.type(description="One upstream source instance (two Genesys Cloud orgs are two sources).")
class Source:
    id: str = strawberry.field(description="The instance id from the configuration.")
    kind: SourceKind  # type: ignore[valid-type]
    capabilities: list[SourceCapability]  # type: ignore[valid-type]
    _source: strawberry.Private[base.Source]

    @classmethod
    def from_source(cls, source: base.Source) -> "Source":
        return cls(
            id=source.instance,
            kind=source.kind,
            capabilities=sorted(source.capabilities, key=lambda c: c.value),
            _source=source,
        )

    @strawberry.field
    async def health(self) -> SourceHealth:
        health = await self._source.health()
        return SourceHealth(status=health.status, message=health.message, checked_at=datetime.now(UTC))


@strawberry.type
class SourceQuery:
    @strawberry.field(description="Every configured source, the local store first.")
    def sources(self, info: Info) -> list[Source]:
        return [Source.from_source(source) for source in info.context.services.sources.values()]
