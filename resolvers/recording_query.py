"""The `recording` and `recordings` queries: one recording by id, or every selected source's in one order."""

from typing import Annotated

import strawberry

from gateway.ids import GlobalId
from resolvers.common import Info
from resolvers.recording_filter import RecordingFilter, RecordingOrder
from resolvers.recording_pages import recording_page
from resolvers.recordings import Recording, RecordingConnection, load_recording

__all__ = ["RecordingQuery"]


@strawberry.type
class RecordingQuery:
    @strawberry.field
    async def recording(self, info: Info, id: strawberry.ID) -> Recording:
        return await load_recording(info, GlobalId.decode(id, expected_type="Recording"))

    @strawberry.field(description="Recordings of every selected source in one order (newest first by default).")
    async def recordings(
        self,
        info: Info,
        filter: RecordingFilter | None = None,
        first: Annotated[int | None, strawberry.argument(description="Forward page size, at most 100.")] = None,
        after: str | None = None,
        last: Annotated[int | None, strawberry.argument(description="Backward page size, at most 100.")] = None,
        before: str | None = None,
        order_by: RecordingOrder | None = None,
    ) -> RecordingConnection:
        return RecordingConnection.from_page(
            await recording_page(
                info,
                await (filter or RecordingFilter()).to_domain(info),
                order_by,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        )
