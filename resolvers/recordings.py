"""The object types around a recording: Recording and its parts, Annotation, User, RecordingConnection.

They refer to each other: a recording's contacts, owner and annotation authors are Users, and a
User's recordings are a RecordingConnection. So they share this module, with no import cycle and
no lazy type. What they build on has modules of its own: identity look-ups (`identities`), media
links (`media`), filter and order (`recording_filter`) and the merged pages (`recording_pages`).
"""

import dataclasses
from collections.abc import Sequence
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from gateway import models
from gateway.errors import NotFound
from gateway.identities import person_id
from gateway.ids import GlobalId
from gateway.query import RecordingFilter as DomainFilter
from gateway.sources.base import AnnotationSource
from resolvers.common import Connection, Edge, Info, Node
from resolvers.enums import ContactType, MediaFormat, ParticipantEventType, RecordingKind, RecordingState
from resolvers.identities import UserIdentity, identities_of, identity_for, identity_ref
from resolvers.media import MediaFile, MediaLink, media_link
from resolvers.recording_filter import RecordingFilter, RecordingOrder
from resolvers.recording_pages import RecordingPage, recording_page, total_count
from resolvers.sources import Source

__all__ = [
    "Annotation",
    "Recording",
    "RecordingConnection",
    "User",
    "keeps_annotations",
    "load_recording",
    "load_user",
    "user_of",
]


@strawberry.federation.type(
    keys=["id"],
    description="A person: every source identity sharing an email, compared case-insensitively (an identity "
    "without an email is a person of its own). The id is the person's, the same whichever identity led here; "
    "the other fields are that identity's.",
)
class User(Node):
    name: str | None
    email: str | None
    username: str | None
    first_name: str | None
    last_name: str | None
    title: str | None
    department: str | None
    state: str | None
    _identity: strawberry.Private[models.User]

    @classmethod
    def from_domain(cls, user: models.User) -> "User":
        return cls(
            id=strawberry.ID(person_id(user).encode()),
            name=user.name,
            email=user.email,
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
            title=user.title,
            department=user.department,
            state=user.state,
            _identity=user,
        )

    @strawberry.field(description="Every identity of the person: the email looked up in every source with users.")
    async def identities(self, info: Info) -> list[UserIdentity]:
        return [UserIdentity.from_domain(user) for user in await identities_of(info, self._identity)]

    @strawberry.field(
        description="`recordings` scoped to the person: what any of their identities owns, in every source."
    )
    async def recordings(
        self,
        info: Info,
        filter: RecordingFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        order_by: RecordingOrder | None = None,
    ) -> "RecordingConnection":
        wanted = await filter.to_domain(info) if filter else DomainFilter()
        owners = tuple(identity_ref(user) for user in await identities_of(info, self._identity))
        if wanted.owners is not None:  # and an `owner` of the filter: both must hold
            owners = tuple(owner for owner in owners if owner in wanted.owners)
        return RecordingConnection.from_page(
            await recording_page(
                info,
                dataclasses.replace(wanted, owners=owners),
                order_by,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> "User":
        return await load_user(info, GlobalId.decode(id, expected_type="User"))


async def load_user(info: Info, global_id: GlobalId) -> User:
    """The person with a person id, or the person of an identity id."""
    return User.from_domain(await identity_for(info, global_id))


async def user_of(info: Info, ref: models.UserRef | None) -> User | None:
    """The person behind a source's user reference (one batched `get_users` call, no look-up by email)."""
    return await load_user(info, GlobalId(ref.source, "User", ref.source_id)) if ref else None


@strawberry.type
class Annotation(Node):
    name: str | None
    type: str | None
    description: str | None
    location_ms: int | None = strawberry.field(description="Where in the recording, in milliseconds.")
    duration_ms: int | None
    created_at: datetime | None
    _annotation: strawberry.Private[models.Annotation]

    @classmethod
    def from_domain(cls, a: models.Annotation) -> "Annotation":
        return cls(
            id=strawberry.ID(GlobalId(a.source, "Annotation", a.source_id).encode()),
            name=a.name,
            type=a.type,
            description=a.description,
            location_ms=a.location_ms,
            duration_ms=a.duration_ms,
            created_at=a.created_at,
            _annotation=a,
        )

    @strawberry.field
    async def created_by(self, info: Info) -> User | None:
        return await user_of(info, self._annotation.created_by)

    @strawberry.field(description="The recording annotated.")
    def recording_id(self) -> strawberry.ID:
        a = self._annotation
        return strawberry.ID(GlobalId(a.recording_source or a.source, "Recording", a.recording_id).encode())


def keeps_annotations(info: Info, source: str) -> bool:
    """Whether `source` keeps annotations itself; for the others, the gateway keeps them."""
    return isinstance(info.context.services.source(source), AnnotationSource)


async def _annotations_of(info: Info, recording: models.Recording) -> Sequence[models.Annotation]:
    """A recording's annotations: those it came with, else batched per source (or from the gateway's own store)."""
    loaders = info.context.loaders
    if keeps_annotations(info, recording.source):
        if recording.annotations is not None:
            return recording.annotations
        return await loaders.annotations(recording.source).load(recording.source_id)
    return await loaders.kept_annotations().load((recording.source, recording.source_id))


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
        return cls(
            type=contact.type,
            phone_number=contact.phone_number,
            user_name=contact.user_name,
            first_name=contact.first_name,
            last_name=contact.last_name,
            display_name=contact.display_name,
            email=contact.email,
            _user=contact.user,
        )

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
            source_id=r.source_id,
            kind=r.kind,
            title=r.title,
            state=r.state,
            start_time=r.start_time,
            end_time=r.end_time,
            created_at=r.created_at,
            duration_ms=r.duration_ms,
            size_bytes=r.size_bytes,
            format=r.format,
            region=r.region,
            conversation_id=r.conversation_id,
            participants=[
                Participant(contact=Contact.from_domain(p.contact), joined_at=p.joined_at, left_at=p.left_at)
                for p in r.participants
            ],
            media_files=[MediaFile.from_domain(m, r) for m in r.media_files],
            events=[
                RecordingEvent(
                    occurred_at=e.occurred_at, type=e.type, contact=Contact.from_domain(e.contact), data=JSON(e.data)
                )
                for e in r.events
            ],
            retention=Retention(
                archive_at=retention.archive_at,
                delete_at=retention.delete_at,
                export_at=retention.export_at,
                policy_id=retention.policy_id,
            )
            if retention
            else None,
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
        return [Annotation.from_domain(a) for a in await _annotations_of(info, self._recording)]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> "Recording":
        return await load_recording(info, GlobalId.decode(id, expected_type="Recording"))


async def load_recording(info: Info, global_id: GlobalId) -> Recording:
    source = info.context.services.source(global_id.source)
    recording = await info.context.loaders.recordings(source.instance).load(global_id.native_id)
    if recording is None:
        raise NotFound(f"recording {global_id.native_id} not found in {source.instance}")
    return Recording.from_domain(recording)


@strawberry.type
class RecordingConnection(Connection[Recording]):
    _page: strawberry.Private[RecordingPage]

    @classmethod
    def from_page(cls, page: RecordingPage) -> "RecordingConnection":
        return cls(
            edges=[Edge(node=Recording.from_domain(r), cursor=cursor) for r, cursor in page.recordings],
            page_info=page.page_info,
            _page=page,
        )

    @strawberry.field(
        description="Matches over all selected sources; null when one cannot count them, the reason in "
        "`extensions.notices`."
    )
    async def total_count(self, info: Info) -> int | None:
        return await total_count(info, self._page)
