"""Live recording events over graphql-transport-ws."""

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from gateway.events import EventType
from gateway.ids import GlobalId
from resolvers.common import Info

__all__ = ["RecordingEventType", "Subscription"]

RecordingEventType = strawberry.enum(EventType, name="RecordingChangeType")


@strawberry.type
class RecordingChange:
    type: RecordingEventType  # type: ignore[valid-type]
    recording_id: strawberry.ID
    source: str
    occurred_at: datetime


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Recordings created, updated or deleted through this gateway.")
    async def recording_changes(
        self, info: Info, sources: list[str] | None = None
    ) -> AsyncGenerator[RecordingChange, None]:
        async for change in info.context.services.events.subscribe():
            if sources and change.source not in sources:
                continue
            yield RecordingChange(
                type=change.type,
                recording_id=strawberry.ID(GlobalId(change.source, "Recording", change.recording_id).encode()),
                source=change.source,
                occurred_at=change.occurred_at,
            )
