"""Live recording events over graphql-transport-ws."""

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from gateway.ids import GlobalId
from resolvers.common import Info
from resolvers.enums import RecordingChangeType

__all__ = ["Subscription"]


@strawberry.type(description="Something happened to a recording (not to be confused with RecordingEvent).")
class RecordingChange:
    type: RecordingChangeType
    recording_id: strawberry.ID
    source: str
    occurred_at: datetime


@strawberry.input
class RecordingChangeFilter:
    sources: list[str] | None = strawberry.field(default=None, description="Source instance ids; default all.")
    types: list[RecordingChangeType] | None = None


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Recordings created, changed, annotated or deleted, on any replica.")
    async def recording_events(
        self, info: Info, filter: RecordingChangeFilter | None = None
    ) -> AsyncGenerator[RecordingChange, None]:
        sources = set(filter.sources or ()) if filter else set()
        types = set(filter.types or ()) if filter else set()
        async for change in info.context.services.events.subscribe():
            if (sources and change.source not in sources) or (types and change.type not in types):
                continue
            yield RecordingChange(
                type=change.type,
                recording_id=strawberry.ID(GlobalId(change.source, "Recording", change.recording_id).encode()),
                source=change.source,
                occurred_at=change.occurred_at,
            )
