"""The configured source instances, their capabilities and health."""

from datetime import UTC, datetime

import strawberry

from gateway.errors import GatewayError
from gateway.sources import base
from gateway.sources.base import capabilities_of, check_health
from resolvers.common import Info
from resolvers.enums import SourceCapability, SourceHealthStatus, SourceKind

__all__ = ["Source", "SourceHealth", "SourceQuery"]


@strawberry.type
class SourceHealth:
    status: SourceHealthStatus
    message: str | None
    checked_at: datetime
    cache_reachable: bool = strawberry.field(description="False while the shared cache is down (answers uncached).")


@strawberry.type(description="One upstream source instance (two Genesys Cloud orgs are two sources).")
class Source:
    id: str = strawberry.field(description="The instance id from the configuration.")
    kind: SourceKind
    _source: strawberry.Private[base.Source]

    @classmethod
    def from_source(cls, source: base.Source) -> "Source":
        return cls(id=source.instance, kind=source.kind, _source=source)

    @strawberry.field
    def capabilities(self) -> list[SourceCapability]:
        """Derived only when asked: `Recording.source` is resolved for every row of a page."""
        return sorted(capabilities_of(self._source), key=lambda c: c.value)

    @strawberry.field
    async def health(self, info: Info) -> SourceHealth:
        health = await check_health(self._source)
        try:
            await info.context.services.cache.ping()
            cache_reachable = True
        except GatewayError:
            cache_reachable = False
        return SourceHealth(
            status=health.status, message=health.message, checked_at=datetime.now(UTC), cache_reachable=cache_reachable
        )


@strawberry.type
class SourceQuery:
    @strawberry.field(description="Every configured source, the local store first.")
    def sources(self, info: Info) -> list[Source]:
        return [Source.from_source(source) for source in info.context.services.sources.values()]
