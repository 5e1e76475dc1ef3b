"""What the gateway asks a source for: filters, orders and pages, shared by every layer.

The merge, the recording index, the filter evaluated in the gateway and every connector speak
these types; none of them imports another layer to get them.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from gateway.models import MediaFormat, RecordingKind, RecordingState, SourceKind, UserRef

__all__ = [
    "ALL_ORDERS",
    "NEWEST_FIRST",
    "START_TIME_ORDERS",
    "Capability",
    "Order",
    "OrderKey",
    "Page",
    "RecordingFilter",
    "RecordingSearch",
    "SortField",
    "keyset_after",
    "page_after",
]

T = TypeVar("T")
# A recording's place in a merged listing: (start timestamp or duration ms, source instance, native id).
OrderKey = tuple[float, str, str]


class Capability(enum.Enum):
    """What a source can do, and which filters it pushes down itself."""

    SEARCH = "search"
    USERS = "users"
    INGEST = "ingest"
    DELETE = "delete"
    TOTAL_COUNT = "total_count"
    RETENTION_POLICIES = "retention_policies"
    ANNOTATIONS = "annotations"
    MEDIA = "media"
    # Recordings change state on their own at the vendor; the gateway polls to report it.
    STATE_EVENTS = "state_events"
    FILTER_TIME_RANGE = "filter_time_range"
    FILTER_CALLER_NUMBER = "filter_caller_number"
    FILTER_DIALED_NUMBER = "filter_dialed_number"
    FILTER_PARTICIPANT = "filter_participant"
    FILTER_USER_DATA = "filter_user_data"
    FILTER_REGION = "filter_region"
    FILTER_STATE = "filter_state"
    FILTER_KIND = "filter_kind"
    FILTER_FORMAT = "filter_format"
    FILTER_CONVERSATION = "filter_conversation"
    FILTER_TEXT = "filter_text"
    FILTER_OWNER = "filter_owner"
    FILTER_RETENTION_DUE = "filter_retention_due"
    SORT_DURATION = "sort_duration"


class SortField(enum.Enum):
    START_TIME = "start_time"
    DURATION = "duration"


# An order as (field, descending).
Order = tuple[SortField, bool]
NEWEST_FIRST: frozenset[Order] = frozenset({(SortField.START_TIME, True)})
START_TIME_ORDERS: frozenset[Order] = frozenset({(SortField.START_TIME, True), (SortField.START_TIME, False)})
ALL_ORDERS: frozenset[Order] = frozenset((field, descending) for field in SortField for descending in (True, False))


@dataclasses.dataclass(frozen=True)
class RecordingFilter:
    """Criteria over the unified model; all that are set must hold."""

    sources: tuple[str, ...] = ()
    started_after: datetime | None = None
    started_before: datetime | None = None
    caller_number: str | None = None
    dialed_number: str | None = None
    participant: str | None = None
    user_data: str | None = None
    region: str | None = None
    source_kinds: tuple[SourceKind, ...] = ()
    states: tuple[RecordingState, ...] = ()
    kinds: tuple[RecordingKind, ...] = ()
    formats: tuple[MediaFormat, ...] = ()
    conversation_id: str | None = None
    text: str | None = None
    # Owned by any of these identities; None: any owner (an empty tuple matches nothing).
    owners: tuple[UserRef, ...] | None = None
    owner_email: str | None = None
    # Recordings whose retention deletes them before this moment.
    retention_due_before: datetime | None = None


@dataclasses.dataclass(frozen=True)
class RecordingSearch:
    filter: RecordingFilter = RecordingFilter()
    sort: SortField = SortField.START_TIME
    descending: bool = True

    @property
    def order(self) -> Order:
        return (self.sort, self.descending)


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a source's listing, with JSON-able positions to resume from.

    `after[i]` is where the listing resumes just after `items[i]` (for recordings; users resume
    after an item's ``person_key``, other listings after its ``source_id``); `next` resumes after
    the page, None at the end.
    """

    items: Sequence[T]
    next: Any | None
    after: Sequence[Any] = ()


def page_after(items: Sequence[T], key: Callable[[T], str], position: Any | None, limit: int) -> Page[T]:
    """A page of `limit` of `items` (sorted by `key`) after the key `position` (None: from the start)."""
    rest = [item for item in items if position is None or key(item) > str(position)]
    page = rest[:limit]
    return Page(page, key(page[-1]) if len(rest) > limit else None, [key(item) for item in page])


def keyset_after(key: OrderKey, instance: str, search: RecordingSearch) -> tuple[float, str]:
    """The (value, id) keyset position of source `instance` just after `key` in the search's merged order.

    A keyset excludes (value, id) pairs up to and including the position. At the key's value, the
    source's recordings sort after the key when its name sorts after the key's source, in either
    direction: then the position is (value, "") (every id passes in ascending order, none in
    descending), else the next representable value (1 ms of duration, 1 µs of time) with id "".
    """
    value, source, native_id = key
    if source == instance:
        return value, native_id
    if instance > source:
        return value, ""
    return value + (1 if search.sort is SortField.DURATION else 1e-6), ""
