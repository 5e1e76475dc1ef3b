"""Which recordings, in which order: the filter and order inputs of `recordings` and `User.recordings`."""

import enum
from datetime import datetime

import strawberry

from gateway import query
from gateway.ids import GlobalId
from gateway.query import RecordingSearch
from resolvers.common import Info
from resolvers.enums import MediaFormat, RecordingKind, RecordingSortField, RecordingState, SourceKind
from resolvers.identities import USER_ID, owner_identities

__all__ = ["RecordingFilter", "RecordingOrder"]


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
    source_kinds: list[SourceKind] | None = strawberry.field(default=None, description="Only sources of these kinds.")
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
            sources=tuple(self.sources or ()),
            started_after=self.started_after,
            started_before=self.started_before,
            caller_number=self.caller_number,
            dialed_number=self.dialed_number,
            participant=self.participant,
            user_data=self.user_data,
            region=self.region,
            source_kinds=tuple(self.source_kinds or ()),
            states=tuple(self.states or ()),
            kinds=tuple(self.kinds or ()),
            formats=tuple(self.formats or ()),
            conversation_id=self.conversation_id,
            text=self.text,
            owners=await owner_identities(info, owner) if owner else None,
            owner_email=self.owner_email,
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

    def search(self, filter: query.RecordingFilter) -> RecordingSearch:
        """The search for the recordings `filter` selects, in this order."""
        return RecordingSearch(filter=filter, sort=self.field, descending=self.direction is SortDirection.DESC)
