"""The ``genesysEngage`` namespace: Genesys Engage Web Services operations with no unified meaning.

``Query.genesysEngage(source:)`` gives one server's own search, with GWS's parameters as they
are (``endTime`` keeps recordings that *ended* before it) and its offset/limit paging, and a
recording as GWS returns it. ``genesysEngageCreateRecording`` creates a recording through the
ops API, or merges a re-POST into it, from the same input as ``ingestRecording``; it is a
top-level mutation so mutations keep running one after another. Deleting is the unified
``deleteRecording`` (its ``subresources`` is GWS's flag).
"""

from datetime import UTC, datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from gateway.errors import BadInput, FieldError
from gateway.events import EventType, RecordingChange
from gateway.sources.engage_model import to_recording
from gateway.sources.genesys_engage import GenesysEngageSource
from gateway.store.engage import MAX_LIMIT, format_time
from resolvers.common import Info
from resolvers.ingest import IngestRecordingInput, IngestRecordingPayload, to_json
from resolvers.recordings import Recording

__all__ = ["GenesysEngageMutation", "GenesysEngageQuery"]


def _engage_source(info: Info, name: str) -> GenesysEngageSource:
    """The configured Genesys Engage source `name`; NOT_FOUND when unknown, BAD_USER_INPUT when another kind."""
    return info.context.services.source_of(name, GenesysEngageSource)


@strawberry.type(description="A recording as the Genesys Engage server returns it.")
class GenesysEngageRecording:
    id: str = strawberry.field(description="GWS's recording id (the CallUUID; the unified sourceId).")
    region: str | None
    document: JSON = strawberry.field(description="GWS's JSON: mediaUri/playPath instead of the posted descriptors.")
    _source: strawberry.Private[GenesysEngageSource]

    @classmethod
    def of(cls, source: GenesysEngageSource, document: dict[str, Any]) -> "GenesysEngageRecording":
        return cls(id=document["id"], region=document.get("region"), document=JSON(document), _source=source)

    @strawberry.field(description="The same recording in the unified model.")
    def recording(self, info: Info) -> Recording:
        domain = to_recording(cast(dict[str, Any], self.document), self._source.instance)
        info.context.loaders.prime_recording(domain)
        return Recording.from_domain(domain)


@strawberry.type(description="One page of GWS's search (offset/limit as GWS pages).")
class GenesysEngageRecordingPage:
    recordings: list[GenesysEngageRecording]
    offset: int
    limit: int
    has_next_page: bool = strawberry.field(description="GWS gave a nextUri.")
    has_previous_page: bool = strawberry.field(description="GWS gave a prevUri.")


@strawberry.type(description="One Genesys Engage Web Services server: it shows only its own region's recordings.")
class GenesysEngageNamespace:
    source: str
    region: str | None = strawberry.field(description="The server's region, when configured.")
    contact_center_id: str
    _source: strawberry.Private[GenesysEngageSource]

    @strawberry.field(description="GET /recordings/{id}; null when absent or of another region.")
    async def recording(self, id: str) -> GenesysEngageRecording | None:
        document = await self._source.document(id)
        return GenesysEngageRecording.of(self._source, document) if document else None

    @strawberry.field(
        description="GET /recordings with GWS's parameters (at least one; all must hold), "
        "in the server's order. Wildcards (*) as GWS takes them."
    )
    async def recordings(
        self,
        caller_phone_number: str | None = None,
        dialed_phone_number: str | None = None,
        start_time: Annotated[datetime | None, strawberry.argument(description="Started after.")] = None,
        end_time: Annotated[datetime | None, strawberry.argument(description="Ended before.")] = None,
        user_name: Annotated[
            str | None,
            strawberry.argument(
                description="Contact userName/firstName/lastName: words match any, joined with AND all."
            ),
        ] = None,
        user_data: Annotated[str | None, strawberry.argument(description="Event data values; words match any.")] = None,
        offset: int = 0,
        limit: Annotated[int, strawberry.argument(description="At most 100.")] = MAX_LIMIT,
    ) -> GenesysEngageRecordingPage:
        params = {
            name: value
            for name, value in (
                ("callerPhoneNumber", caller_phone_number),
                ("dialedPhoneNumber", dialed_phone_number),
                ("startTime", format_time(start_time.astimezone(UTC)) if start_time else None),
                ("endTime", format_time(end_time.astimezone(UTC)) if end_time else None),
                ("userName", user_name),
                ("userData", user_data),
            )
            if value
        }
        errors = [] if params else [FieldError("callerPhoneNumber", "GWS needs at least one search parameter")]
        if offset < 0:
            errors.append(FieldError("offset", "must not be negative"))
        if not 1 <= limit <= MAX_LIMIT:
            errors.append(FieldError("limit", f"must be between 1 and {MAX_LIMIT}"))
        if errors:
            raise BadInput("invalid Genesys Engage search", errors)
        page = await self._source.query(params, offset, limit)
        return GenesysEngageRecordingPage(
            recordings=[GenesysEngageRecording.of(self._source, d) for d in page.documents],
            offset=offset,
            limit=limit,
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
        )


@strawberry.type
class GenesysEngageQuery:
    @strawberry.field(description="Genesys Engage-only features of the Genesys Engage source `source`.")
    def genesys_engage(self, info: Info, source: str) -> GenesysEngageNamespace:
        engage = _engage_source(info, source)
        return GenesysEngageNamespace(
            source=engage.instance, region=engage.region, contact_center_id=engage.contact_center_id, _source=engage
        )


@strawberry.type
class GenesysEngageMutation:
    @strawberry.mutation(
        description="Create a recording on a Genesys Engage server (the OPS admin's POST), or "
        "merge a re-POST into it; checked by Engage's rules before it is sent."
    )
    async def genesys_engage_create_recording(
        self, info: Info, source: str, input: IngestRecordingInput
    ) -> IngestRecordingPayload:
        engage = _engage_source(info, source)
        recording, created = await engage.ingest_recording(to_json(input))
        info.context.loaders.prime_recording(recording)
        await info.context.services.events.publish(
            RecordingChange(
                EventType.CREATED if created else EventType.UPDATED,
                recording.source,
                recording.source_id,
                datetime.now(UTC),
            )
        )
        return IngestRecordingPayload(recording=Recording.from_domain(recording), created=created)
