"""Recordings: the unified type, its parts, and the cross-source query."""

import enum
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from gateway import models, query
from gateway.cursors import query_digest
from gateway.errors import BadInput, NotFound
from gateway.ids import GlobalId
from gateway.merge.counts import count_recordings
from gateway.merge.pages import Mark, page_backward, page_forward
from gateway.query import RecordingSearch
from gateway.sources import base
from resolvers.annotations import Annotation, annotations_of
from resolvers.common import DEFAULT_PAGE_SIZE, Connection, Edge, Info, Node, PageInfo, check_page_size
from resolvers.enums import (
    ContactType,
    MediaFormat,
    ParticipantEventType,
    RecordingKind,
    RecordingSortField,
    RecordingState,
    SourceKind,
)
from resolvers.media import MediaFile, MediaLink, media_link
from resolvers.sources import Source
from resolvers.users import USER_ID, User, owner_identities, user_of

__all__ = [
    "Recording",
    "RecordingConnection",
    "RecordingOrder",
    "RecordingQuery",
    "load_recording",
    "recording_connection",
]


@strawberry.type(description="Someone on a recorded call: an external party or a user (agent).")
class Contact:
    type: ContactType
    phone_number: str | None
    user_name: str | None
    first_name: str | None
    last_name: str | None
    display_name: str | None
    email: str | None
    _user: strawberry.Private[models.UserRef | None]

    @classmethod
    def from_domain(cls, contact: models.Contact) -> "Contact":
        return cls(type=contact.type, phone_number=contact.phone_number, user_name=contact.user_name,
                   first_name=contact.first_name, last_name=contact.last_name, display_name=contact.display_name,
                   email=contact.email, _user=contact.user)

    @strawberry.field(description="The person behind a USER contact, when its source knows them.")
    async def user(self, info: Info) -> User | None:
        return await user_of(info, self._user)


@strawberry.type
class Participant:
    contact: Contact
    joined_at: datetime | None
    left_at: datetime | None


@strawberry.type(description="A contact joining or leaving the recorded call.")
class RecordingEvent:
    occurred_at: datetime
    type: ParticipantEventType
    contact: Contact
    data: JSON


@strawberry.type(description="When a recording is archived, deleted and exported, where known.")
class Retention:
    archive_at: datetime | None
    delete_at: datetime | None
    export_at: datetime | None
    policy_id: str | None


@strawberry.federation.type(keys=["id"], description="A recording from any source, in one model.")
class Recording(Node):
    source_id: str = strawberry.field(description="The recording's id in its source.")
    kind: RecordingKind
    title: str | None
    state: RecordingState
    start_time: datetime | None
    end_time: datetime | None
    created_at: datetime | None
    duration_ms: int | None
    size_bytes: float | None = strawberry.field(description="Bytes (a Float: files may exceed 2^31).")
    format: MediaFormat | None
    region: str | None
    conversation_id: str | None
    participants: list[Participant]
    media_files: list[MediaFile]
    events: list[RecordingEvent]
    retention: Retention | None
    vendor_data: JSON = strawberry.field(description="The source's native fields not mapped above.")
    _recording: strawberry.Private[models.Recording]

    @classmethod
    def from_domain(cls, r: models.Recording) -> "Recording":
        retention = r.retention
        return cls(
            id=strawberry.ID(GlobalId(r.source, "Recording", r.source_id).encode()),
            source_id=r.source_id, kind=r.kind, title=r.title, state=r.state, start_time=r.start_time,
            end_time=r.end_time, created_at=r.created_at, duration_ms=r.duration_ms, size_bytes=r.size_bytes,
            format=r.format, region=r.region, conversation_id=r.conversation_id,
            participants=[Participant(contact=Contact.from_domain(p.contact), joined_at=p.joined_at,
                                      left_at=p.left_at) for p in r.participants],
            media_files=[MediaFile.from_domain(m, r) for m in r.media_files],
            events=[RecordingEvent(occurred_at=e.occurred_at, type=e.type, contact=Contact.from_domain(e.contact),
                                   data=JSON(e.data)) for e in r.events],
            retention=Retention(archive_at=retention.archive_at, delete_at=retention.delete_at,
                                export_at=retention.export_at, policy_id=retention.policy_id) if retention else None,
            vendor_data=JSON(r.vendor_data),
            _recording=r,
        )

    async def _call(self, info: Info) -> models.CallDetails | None:
        call_id = self._recording.call_id
        return await info.context.loaders.calls(self._recording.source).load(call_id) if call_id else None

    @strawberry.field
    async def caller_number(self, info: Info) -> str | None:
        if self._recording.caller_number is not None:
            return self._recording.caller_number
        call = await self._call(info)
        return call.caller_number if call else None

    @strawberry.field
    async def dialed_number(self, info: Info) -> str | None:
        if self._recording.dialed_number is not None:
            return self._recording.dialed_number
        call = await self._call(info)
        return call.dialed_number if call else None

    @strawberry.field(description="A download link for the recording's (first) media file; null without media.")
    def media(self, info: Info, format: MediaFormat | None = None) -> MediaLink | None:
        files = self._recording.media_files
        return media_link(info, self._recording, files[0].id, format) if files else None

    @strawberry.field
    def source(self, info: Info) -> Source:
        return Source.from_source(info.context.services.source(self._recording.source))

    @strawberry.field(description="The person who owns the recording, when its source names one.")
    async def owner(self, info: Info) -> User | None:
        return await user_of(info, self._recording.owner)

    @strawberry.field
    async def annotations(self, info: Info) -> list[Annotation]:
        return await annotations_of(info, self._recording)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> "Recording":
        return await load_recording(info, GlobalId.decode(id, expected_type="Recording"))


async def load_recording(info: Info, global_id: GlobalId) -> Recording:
    source = info.context.services.source(global_id.source)
    recording = await info.context.loaders.recordings(source.instance).load(global_id.native_id)
    if recording is None:
        raise NotFound(f"recording {global_id.native_id} not found in {source.instance}")
    return Recording.from_domain(recording)


@strawberry.input
class RetentionDue:
    before: datetime = strawberry.field(description="Retention deletes the recording before this moment.")


@strawberry.input(description="Criteria over every source; all that are set must hold.")
class RecordingFilter:
    sources: list[str] | None = strawberry.field(default=None, description="Source instance ids; default all.")
    started_after: datetime | None = strawberry.field(default=None, description="Start time at or after this.")
    started_before: datetime | None = strawberry.field(default=None, description="Start time before this.")
    caller_number: str | None = strawberry.field(default=None, description="Exact, with * wildcards; case-sensitive.")
    dialed_number: str | None = strawberry.field(default=None, description="Exact, with * wildcards; case-sensitive.")
    participant: str | None = strawberry.field(
        default=None,
        description="Participant names (userName, first or last name), case-insensitive, * wildcards; "
        "several words match any of them, joined with AND all of them.",
    )
    user_data: str | None = strawberry.field(default=None, description="Event data values, * wildcards; words: any.")
    region: str | None = None
    source_kinds: list[SourceKind] | None = strawberry.field(
        default=None, description="Only sources of these kinds."
    )
    states: list[RecordingState] | None = None
    kinds: list[RecordingKind] | None = None
    formats: list[MediaFormat] | None = None
    conversation_id: str | None = None
    text: str | None = strawberry.field(default=None, description="Case-insensitive text in the title.")
    owner: strawberry.ID | None = strawberry.field(
        default=None, description=f"Owned by this person, through any of their identities. {USER_ID}"
    )
    owner_email: str | None = strawberry.field(default=None, description="The owner's email, case-insensitive.")
    retention_due: RetentionDue | None = strawberry.field(default=None, description="Due for deletion.")

    async def to_domain(self, info: Info) -> query.RecordingFilter:
        """The domain filter; an `owner` becomes its person's identities (looked up by email)."""
        owner = GlobalId.decode(self.owner, expected_type="User") if self.owner else None
        return query.RecordingFilter(
            sources=tuple(self.sources or ()), started_after=self.started_after, started_before=self.started_before,
            caller_number=self.caller_number, dialed_number=self.dialed_number, participant=self.participant,
            user_data=self.user_data, region=self.region, source_kinds=tuple(self.source_kinds or ()),
            states=tuple(self.states or ()), kinds=tuple(self.kinds or ()), formats=tuple(self.formats or ()),
            conversation_id=self.conversation_id, text=self.text,
            owners=await owner_identities(info, owner) if owner else None, owner_email=self.owner_email,
            retention_due_before=self.retention_due.before if self.retention_due else None,
        )


@strawberry.enum
class SortDirection(enum.Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input
class RecordingOrder:
    field: RecordingSortField = RecordingSortField.START_TIME
    direction: SortDirection = SortDirection.DESC


@strawberry.type
class RecordingConnection(Connection[Recording]):
    _sources: strawberry.Private[list[base.Source]]
    _search: strawberry.Private[RecordingSearch]

    @strawberry.field(
        description="Matches over all selected sources; null when one cannot count them, the reason in "
        "`extensions.notices`."
    )
    async def total_count(self, info: Info) -> int | None:
        count = await count_recordings(self._sources, self._search)
        if count.reasons:
            info.context.notices.append({
                "code": "TOTAL_COUNT_UNAVAILABLE",
                "message": "totalCount is null: not every selected source can count these recordings",
                "path": list(info.path.as_list()),
                "sources": [{"source": s, "reason": r} for s, r in count.reasons.items()],
            })
        return count.total


def _selected_sources(info: Info, search: RecordingSearch) -> list[base.Source]:
    services = info.context.services
    f = search.filter
    if f.sources:
        chosen = [services.listing(instance) for instance in dict.fromkeys(f.sources)]
    else:
        chosen = list(services.listings.values())
    if f.owners is not None:  # only where the owners have identities
        chosen = [s for s in chosen if any(owner.source == s.instance for owner in f.owners)]
    return [s for s in chosen if not f.source_kinds or s.kind in f.source_kinds]


def _page_arguments(first: int | None, after: str | None, last: int | None, before: str | None) -> None:
    if first is not None and last is not None:
        raise BadInput("give `first` or `last`, not both")
    if (after is not None and last is not None) or (before is not None and first is not None):
        raise BadInput("`first` pages forward from `after`; `last` pages backward from `before`")


async def recording_connection(
    info: Info,
    filter: query.RecordingFilter,
    order_by: RecordingOrder | None = None,
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> RecordingConnection:
    """The merged connection over the sources `filter` selects: what `recordings` and `User.recordings` answer."""
    _page_arguments(first, after, last, before)
    order = order_by or RecordingOrder()
    search = RecordingSearch(
        filter=filter, sort=order.field, descending=order.direction is SortDirection.DESC
    )
    sources = _selected_sources(info, search)
    cursors = info.context.services.cursors
    digest = query_digest({"recordings": search})

    def mark(cursor: str) -> Mark:
        return Mark.from_json(cursors.decode(cursor, digest))

    if last is not None or before is not None:
        size = check_page_size(DEFAULT_PAGE_SIZE if last is None else last, "last")
        page = await page_backward(sources, search, mark(before) if before else None, size)
    else:
        size = check_page_size(DEFAULT_PAGE_SIZE if first is None else first)
        page = await page_forward(sources, search, mark(after) if after else None, size)
    info.context.partial_errors.extend(page.errors)
    edges = []
    for recording, position in zip(page.items, page.marks, strict=True):
        info.context.loaders.prime_recording(recording)
        edges.append(Edge(node=Recording.from_domain(recording), cursor=cursors.encode(digest, position.to_json())))
    # A page can be empty yet unfinished (sources still scanning): it still resumes.
    end = edges[-1].cursor if edges else cursors.encode(digest, page.end.to_json()) if page.end else None
    return RecordingConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next, has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None, end_cursor=end,
        ),
        _sources=sources,
        _search=search,
    )


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
        return await recording_connection(
            info, await (filter or RecordingFilter()).to_domain(info), order_by, first=first, after=after, last=last,
            before=before,
        )
