"""The Webex namespace: converged-recording features with no unified meaning.

``webex(source:)`` lists recordings with every compliance-list filter (the recycle bin too,
by status), and gives details with Webex's temporary download links and the metadata
document. The ``webex*Recordings`` mutations move recordings through the recycle bin (as the
source's administrator) and ``webexDeleteRecording`` is the compliance officer's permanent
delete with its reason. Webex's rules for the ``*All`` flags are checked before calling.
"""

import asyncio
import enum
from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from gateway.cursors import query_digest
from gateway.errors import BadInput, FieldError
from gateway.events import EventType, RecordingChange
from gateway.ids import GlobalId
from gateway.sources.webex import ListFilter, WebexSource
from gateway.sources.webex.mapping import LINKS_FIELD, parse_time, to_recording
from resolvers.common import DEFAULT_PAGE_SIZE, Connection, Edge, Info, PageInfo, check_page_size
from resolvers.recordings import Recording

__all__ = ["WebexMutation", "WebexQuery"]


@strawberry.enum(description="A converged recording's status; PURGED is listable by a compliance officer only.")
class WebexRecordingStatus(enum.Enum):
    AVAILABLE = "available"
    DELETED = "deleted"
    PURGED = "purged"


@strawberry.enum
class WebexOwnerType(enum.Enum):
    USER = "user"
    PLACE = "place"
    VIRTUAL_LINE = "virtualLine"
    CALL_QUEUE = "callQueue"


@strawberry.enum
class WebexServiceType(enum.Enum):
    CALLING = "calling"
    CUSTOMER_ASSIST = "customerAssist"


@strawberry.input(description="The compliance list's filters; the time range is on createTime, any length.")
class WebexRecordingFilter:
    status: WebexRecordingStatus = strawberry.field(
        default=WebexRecordingStatus.AVAILABLE, description="DELETED lists the recycle bin."
    )
    created_after: datetime | None = strawberry.field(default=None, description="createTime at or after (from).")
    created_before: datetime | None = strawberry.field(default=None, description="createTime before (to).")
    owner_id: str | None = strawberry.field(default=None, description="The owner's UUID or People API id.")
    owner_email: str | None = None
    owner_type: WebexOwnerType | None = None
    service_type: WebexServiceType | None = None
    storage_region: str | None = strawberry.field(default=None, description="US, SG, GB, JP, DE, AU, IN or CA.")
    location_id: str | None = None
    topic: str | None = strawberry.field(default=None, description="Case-insensitive text in the topic.")

    def to_domain(self) -> ListFilter:
        if self.created_after and self.created_before and self.created_after > self.created_before:
            raise BadInput(
                "createdAfter is after createdBefore",
                [FieldError("filter.createdAfter", "must not be after createdBefore")],
            )
        return ListFilter(
            status=self.status.value,
            created_after=self.created_after,
            created_before=self.created_before,
            owner_id=self.owner_id,
            owner_email=self.owner_email,
            owner_type=self.owner_type.value if self.owner_type else None,
            service_type=self.service_type.value if self.service_type else None,
            storage_region=self.storage_region,
            location_id=self.location_id,
            topic=self.topic,
        )


@strawberry.type(description="Webex's pre-signed links; they expire (3 hours) and need no token.")
class WebexDownloadLinks:
    audio_download_link: str | None
    transcript_download_link: str | None
    suggested_notes_download_link: str | None
    short_notes_download_link: str | None
    action_items_download_link: str | None
    expiration: datetime | None

    @classmethod
    def from_raw(cls, links: dict[str, Any]) -> "WebexDownloadLinks":
        return cls(
            audio_download_link=links.get("audioDownloadLink"),
            transcript_download_link=links.get("transcriptDownloadLink"),
            suggested_notes_download_link=links.get("suggestedNotesDownloadLink"),
            short_notes_download_link=links.get("shortNotesDownloadLink"),
            action_items_download_link=links.get("actionItemsDownloadLink"),
            expiration=parse_time(links.get("expiration")),
        )


@strawberry.type(description="A converged recording as Webex describes it (times in UTC).")
class WebexRecording:
    id: str = strawberry.field(description="The Webex recording id (the unified recording's sourceId).")
    topic: str | None
    create_time: datetime | None = strawberry.field(description="When Webex produced the file; lists sort by it.")
    time_recorded: datetime | None = strawberry.field(description="When recording began.")
    owner_id: str | None = strawberry.field(description="The owner's bare UUID, as Webex gives it.")
    owner_email: str | None
    owner_type: str | None = strawberry.field(description="user, place, virtualLine or callQueue.")
    format: str | None
    duration_seconds: int | None
    size_bytes: float | None
    service_type: str | None
    storage_region: str | None
    status: str = strawberry.field(description="available, deleted (recycle bin) or purged.")
    location_id: str | None
    call_session_id: str | None
    service_data: JSON
    _raw: strawberry.Private[dict[str, Any]]
    _source: strawberry.Private[WebexSource]

    @classmethod
    def from_raw(cls, source: WebexSource, raw: dict[str, Any]) -> "WebexRecording":
        service_data = raw.get("serviceData") or {}
        return cls(
            id=raw["id"],
            topic=raw.get("topic"),
            create_time=parse_time(raw.get("createTime")),
            time_recorded=parse_time(raw.get("timeRecorded")),
            owner_id=raw.get("ownerId"),
            owner_email=raw.get("ownerEmail"),
            owner_type=raw.get("ownerType"),
            format=raw.get("format"),
            duration_seconds=raw.get("durationSeconds"),
            size_bytes=raw.get("sizeBytes"),
            service_type=raw.get("serviceType"),
            storage_region=raw.get("storageRegion"),
            status=raw.get("status", "available"),
            location_id=service_data.get("locationId"),
            call_session_id=service_data.get("callSessionId"),
            service_data=JSON(service_data),
            _raw=raw,
            _source=source,
        )

    @strawberry.field(description="The same recording in the unified model.")
    def recording(self, info: Info) -> Recording:
        domain = to_recording(self._source.instance, self._raw)
        info.context.loaders.prime_recording(domain)
        return Recording.from_domain(domain)

    @strawberry.field(description="Temporary download links from the details call; null where Webex withholds them.")
    async def temporary_direct_download_links(self) -> WebexDownloadLinks | None:
        raw = self._raw if LINKS_FIELD in self._raw else await self._source.recording_details(self._raw["id"])
        links = (raw or {}).get(LINKS_FIELD)
        return WebexDownloadLinks.from_raw(links) if links else None

    @strawberry.field(description="The recording's metadata document (parties, call ids, activity).")
    async def metadata(self, show_all_types: bool = False) -> JSON:
        return JSON(await self._source.recording_metadata(self._raw["id"], show_all=show_all_types))


@strawberry.type
class WebexRecordingConnection(Connection[WebexRecording]):
    pass


def webex_source(info: Info, name: str) -> WebexSource:
    """The configured Webex source `name`; NOT_FOUND when unknown, BAD_USER_INPUT when another kind."""
    return info.context.services.source_of(name, WebexSource)


@strawberry.type(description="One Webex source's converged recordings.")
class WebexNamespace:
    source: str
    _source: strawberry.Private[WebexSource]

    @strawberry.field(description="Details with temporary download links; null when Webex has no such recording.")
    async def recording(self, id: str) -> WebexRecording | None:
        raw = await self._source.recording_details(id)
        return WebexRecording.from_raw(self._source, raw) if raw else None

    @strawberry.field(description="The compliance list, newest first by createTime, over any time range.")
    async def recordings(
        self,
        info: Info,
        filter: WebexRecordingFilter | None = None,
        first: Annotated[int, strawberry.argument(description="At most 100.")] = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> WebexRecordingConnection:
        check_page_size(first)
        list_filter = (filter or WebexRecordingFilter()).to_domain()
        cursors = info.context.services.cursors
        digest = query_digest({"webex": self.source, "recordings": list_filter})
        positions = cursors.decode(after, digest) if after else {}
        page = await self._source.list_compliance_recordings(list_filter, positions.get(self.source), first)
        edges = [
            Edge(node=WebexRecording.from_raw(self._source, raw), cursor=cursors.encode(digest, {self.source: at}))
            for raw, at in zip(page.items, page.after, strict=True)
        ]
        return WebexRecordingConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.next is not None,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


@strawberry.type
class WebexQuery:
    @strawberry.field(description="Webex-only features of the Webex source `source`.")
    def webex(self, info: Info, source: str) -> WebexNamespace:
        webex = webex_source(info, source)
        return WebexNamespace(source=webex.instance, _source=webex)


@strawberry.input(description="Which recordings to move: 1-100 ids, or all of one owner's (all + ownerEmail).")
class WebexRecycleBinInput:
    recording_ids: list[str] | None = None
    every: bool = strawberry.field(default=False, name="all", description="Every recording of ownerEmail.")
    owner_email: str | None = strawberry.field(default=None, description="Only with all: true, and then required.")


@strawberry.type
class WebexRecycleBinPayload:
    source: str
    recording_ids: list[str]
    all: bool
    owner_email: str | None
    recordings: list[WebexRecording] = strawberry.field(description="The named recordings as they are now.")


@strawberry.type
class WebexDeletePayload:
    source: str
    deleted_id: strawberry.ID = strawberry.field(description="The unified Recording id.")
    recording_id: str = strawberry.field(description="The Webex recording id.")


async def _move(info: Info, source_name: str, action: str, data: WebexRecycleBinInput) -> WebexRecycleBinPayload:
    source = webex_source(info, source_name)
    ids = list(dict.fromkeys(data.recording_ids or []))
    await source.move_recordings(action, ids, every=data.every, owner_email=data.owner_email)
    now = datetime.now(UTC)
    kind = EventType.DELETED if action == "purge" else EventType.UPDATED
    for recording_id in ids:
        await info.context.services.events.publish(RecordingChange(kind, source.instance, recording_id, now))
    details = await asyncio.gather(*(source.recording_details(i) for i in ids))
    return WebexRecycleBinPayload(
        source=source.instance,
        recording_ids=ids,
        all=data.every,
        owner_email=data.owner_email,
        recordings=[WebexRecording.from_raw(source, raw) for raw in details if raw],
    )


@strawberry.type
class WebexMutation:
    @strawberry.mutation(description="Move recordings to the recycle bin (Webex softDelete; admin token).")
    async def webex_soft_delete_recordings(
        self, info: Info, source: str, input: WebexRecycleBinInput
    ) -> WebexRecycleBinPayload:
        return await _move(info, source, "softDelete", input)

    @strawberry.mutation(description="Bring recordings back from the recycle bin (admin token).")
    async def webex_restore_recordings(
        self, info: Info, source: str, input: WebexRecycleBinInput
    ) -> WebexRecycleBinPayload:
        return await _move(info, source, "restore", input)

    @strawberry.mutation(description="Purge recordings in the recycle bin: irreversible (admin token).")
    async def webex_purge_recordings(
        self, info: Info, source: str, input: WebexRecycleBinInput
    ) -> WebexRecycleBinPayload:
        return await _move(info, source, "purge", input)

    @strawberry.mutation(description="The compliance officer's permanent delete, with Webex's reason and comment.")
    async def webex_delete_recording(
        self, info: Info, source: str, id: str, reason: str = "audit", comment: str | None = None
    ) -> WebexDeletePayload:
        webex = webex_source(info, source)
        if not reason.strip():
            raise BadInput("reason must not be empty", [FieldError("reason", "required by Webex")])
        if comment is not None and len(comment) > 255:
            raise BadInput("comment is too long", [FieldError("comment", "at most 255 characters")])
        await webex.purge_recording(id, reason=reason, comment=comment)
        await info.context.services.events.publish(
            RecordingChange(EventType.DELETED, webex.instance, id, datetime.now(UTC))
        )
        return WebexDeletePayload(
            source=webex.instance,
            deleted_id=strawberry.ID(GlobalId(webex.instance, "Recording", id).encode()),
            recording_id=id,
        )
