"""The recording index against real SQLite and PostgreSQL: order, keysets, numbers, sync bookkeeping."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from gateway.errors import SourceUnavailable
from gateway.merge.counts import count_recordings
from gateway.models import CallDetails, Contact, ContactType, Participant, Recording, RecordingKind, RecordingState
from gateway.query import RecordingFilter, RecordingSearch, SortField
from gateway.sources.bandwidth import BandwidthSource
from gateway.sources.indexed import IndexedSource, SourceIndex
from gateway.store import RecordingStore, SortKey
from gateway.store.codec import decode, encode
from gateway.store.recording_index import IndexQuery, RecordingIndex
from tests.store.test_recording_store import START

SOURCE = "bw"
WALK = datetime(2025, 1, 1, tzinfo=UTC)


def recording(
    i: int,
    *,
    start: datetime | None = START,
    duration: int | None = 1000,
    call: str | None = None,
    caller: str | None = None,
    state: RecordingState = RecordingState.AVAILABLE,
) -> Recording:
    return Recording(
        SOURCE,
        f"r{i:03d}",
        RecordingKind.CALL,
        state,
        start_time=start,
        duration_ms=duration,
        call_id=call,
        caller_number=caller,
    )


def merge_key(r: Recording, sort: SortField) -> tuple:
    """The gateway merge's sort key: (value, source, id), a missing value as 0."""
    if sort is SortField.DURATION:
        return r.duration_ms or 0, r.source, r.source_id
    return r.start_time.timestamp() if r.start_time else 0.0, r.source, r.source_id


def brute_force(recordings: list[Recording], sort: SortField, descending: bool) -> list[str]:
    return [r.source_id for r in sorted(recordings, key=lambda r: merge_key(r, sort), reverse=descending)]


async def walk(index: SourceIndex, search: RecordingSearch, first: int) -> list[str]:
    seen, position = [], None
    while True:
        page = await index.list_recordings(search, position, first)
        seen += [r.source_id for r in page.items]
        if page.next is None:
            return seen
        position = page.next


def test_recordings_survive_the_json_round_trip():
    full = Recording(
        SOURCE,
        "x",
        RecordingKind.MEETING,
        RecordingState.PROCESSING,
        start_time=START,
        participants=(Participant(Contact(ContactType.USER, user_name="ann"), START, None),),
        vendor_data={"nested": [1, {"a": None}]},
    )
    assert decode(Recording, encode(full)) == full


async def walked(store: RecordingStore, recordings: list) -> SourceIndex:
    """An index holding `recordings` after one complete walk, as one source's listing."""
    index = RecordingIndex(store.engine)
    await index.upsert(SOURCE, recordings, WALK)
    await index.prune(SOURCE, WALK)
    return SourceIndex(SOURCE, index)


async def test_keyset_pages_follow_the_merge_order_in_every_direction(store: RecordingStore):
    rng = random.Random(3)
    recordings = [
        recording(
            i,
            start=START + timedelta(seconds=rng.randrange(5)) if i % 7 else None,
            duration=rng.randrange(3) * 1000 if i % 5 else None,
        )
        for i in range(40)
    ]
    source = await walked(store, recordings)
    for sort in SortField:
        for descending in (True, False):
            expected = brute_force(recordings, sort, descending)
            for first in (1, 6, 100):
                assert await walk(source, RecordingSearch(sort=sort, descending=descending), first) == expected


async def test_listing_waits_for_a_complete_walk_and_counts_only_what_it_filters_exactly(store: RecordingStore):
    index = SourceIndex(SOURCE, RecordingIndex(store.engine))
    await index.store.upsert(
        SOURCE, [recording(i, state=RecordingState(("available", "error")[i % 2])) for i in range(6)], WALK
    )
    ascending = RecordingSearch(descending=False)
    assert await index.count(ascending) is None
    with pytest.raises(SourceUnavailable):  # an index never walked to its end does not list
        await index.list_recordings(ascending, None, 10)
    await index.store.prune(SOURCE, WALK)
    errors = RecordingSearch(filter=RecordingFilter(states=(RecordingState.ERROR,)), descending=False)
    assert await index.count(errors) == 3
    by_number = RecordingSearch(filter=RecordingFilter(caller_number="+1*"), descending=False)
    bandwidth = IndexedSource(BandwidthSource(SOURCE, None, "u"), index)  # type: ignore[arg-type]
    counted = await count_recordings([bandwidth], by_number)
    assert counted.total is None and "caller_number" in counted.reasons[SOURCE], "numbers are filtered here"
    assert (await count_recordings([bandwidth], errors)).total == 3


async def test_a_walk_keeps_known_numbers_and_prune_drops_what_it_did_not_see(store: RecordingStore):
    index = RecordingIndex(store.engine)
    first = [recording(i, call=f"c{i}") for i in range(5)]
    await index.upsert(SOURCE, first, WALK)
    assert await index.pending_calls(SOURCE, 3) == ["c4", "c3", "c2"]  # newest first; here ties, by id
    await index.set_numbers(SOURCE, {"c4": CallDetails(SOURCE, "c4", "+1650", "+1800"), "c3": None})
    later = WALK + timedelta(minutes=5)
    await index.upsert(SOURCE, first[1:], later)  # r000 is gone from the listing
    assert await index.known_numbers(SOURCE, first) == {"r004": ("+1650", "+1800"), "r003": (None, None)}
    # A slower walk that started earlier never moves a row back: the later walk's prune keeps r001-r004.
    await index.upsert(SOURCE, first[1:2], WALK)
    assert await index.prune(SOURCE, later) == 1
    assert await index.walked_at(SOURCE) == later
    assert await index.pending_calls(SOURCE, 10) == ["c2", "c1"]
    page = await index.page(SOURCE, IndexQuery(), sort=SortKey.START_TIME, descending=True, after=None, limit=10)
    assert [(r.source_id, r.caller_number) for r, _ in page] == [
        ("r004", "+1650"),
        ("r003", None),
        ("r002", None),
        ("r001", None),
    ]
    # A recording whose call changed is not given the old call's numbers.
    await index.upsert(SOURCE, [recording(4, call="c9")], later)
    assert await index.known_numbers(SOURCE, [recording(4, call="c9")]) == {}


async def test_caller_numbers_narrow_but_keep_unknown_ones(store: RecordingStore):
    index = RecordingIndex(store.engine)
    await index.upsert(
        SOURCE,
        [
            recording(0, call="c0"),
            recording(1, call="c1"),
            recording(2, caller="+1650_1"),
            recording(3, caller="+16501"),
        ],
        WALK,
    )
    await index.set_numbers(SOURCE, {"c0": CallDetails(SOURCE, "c0", "+1650_1", None)})
    page = await index.page(
        SOURCE, IndexQuery(caller="+1650_*"), sort=SortKey.START_TIME, descending=False, after=None, limit=10
    )
    assert [r.source_id for r, _ in page] == ["r000", "r001", "r002"]


async def test_seeking_lists_just_what_sorts_after_any_sources_key(store: RecordingStore):
    recordings = [recording(i, start=START + timedelta(seconds=i // 3), duration=1000 * (i % 4)) for i in range(12)]
    source = await walked(store, recordings)
    for sort in SortField:
        for descending in (True, False):
            search = RecordingSearch(sort=sort, descending=descending)
            for value, _, native_id in (merge_key(r, sort) for r in recordings):
                # This recording's key, and keys of other sources' recordings tied with it.
                for at in ((value, SOURCE, native_id), (value, "a-source", "x"), (value, "z-source", "x")):
                    after = [
                        r for r in recordings if (merge_key(r, sort) < at if descending else merge_key(r, sort) > at)
                    ]
                    page = await source.list_recordings(search, source.seek(search, at), 100)
                    assert [r.source_id for r in page.items] == brute_force(after, sort, descending), at
