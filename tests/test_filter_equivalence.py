"""A filter gives the same recordings whether a source applies it (SQL) or the gateway does."""

import dataclasses
import random
from datetime import timedelta

import pytest

from gateway.filtering import matches, unpushed
from gateway.models import RecordingKind, RecordingState
from gateway.query import RecordingFilter, RecordingSearch
from gateway.sources.engage_model import to_recording
from gateway.sources.indexed import PUSHDOWN, SourceIndex
from gateway.sources.local import LocalSource
from gateway.store.engage import format_time, merge
from gateway.store.recording_index import RecordingIndex
from tests.store.test_recording_store import START

NAMES = [
    ("alice@x.com", "Alice", "Smith"),
    ("ALAN@x.com", "Alan", "smithers"),
    ("bob@x.com", "Bob", "Amber"),
    ("amber.a@x.com", "Amber", "Alice"),
    ("o'neil@x.com", "Ola", "O'Neil"),
]
CALLERS = ["+16504668888", "+1650_123", "AB12", "ab12", "+1%999", "+44 20 7946 0958", "+16505550000"]
DATA = ["tomas", "Tom", "jerry", "tom jerry", "A-17", "a_17"]
REGIONS = ["us-east", "eu-central", "US-EAST"]

FILTERS = [
    RecordingFilter(caller_number="+1650*"),
    RecordingFilter(caller_number="ab12"),
    RecordingFilter(caller_number="+1650_123"),
    RecordingFilter(caller_number="*%*"),
    RecordingFilter(caller_number="*"),
    RecordingFilter(dialed_number="+1800*0001"),
    RecordingFilter(participant="alice"),
    RecordingFilter(participant="ALICE AND smith"),
    RecordingFilter(participant="al* amber"),
    RecordingFilter(participant="*mith*"),
    RecordingFilter(participant="o'neil"),
    RecordingFilter(participant="zed"),
    RecordingFilter(user_data="tom*"),
    RecordingFilter(user_data="Tom jerry"),
    RecordingFilter(user_data="a_17"),
    RecordingFilter(region="us-east"),
    RecordingFilter(started_after=START + timedelta(hours=10), started_before=START + timedelta(hours=30)),
    RecordingFilter(caller_number="+1*", participant="alice", region="us-east"),
]


def document(index: int, rng: random.Random) -> dict:
    start = START + timedelta(hours=index)
    events = []
    for user, first, last in rng.sample(NAMES, rng.randint(1, 3)):
        event = {
            "occurredAt": format_time(start),
            "event": "Joined",
            "contact": {"type": "User", "phoneNumber": "+1000", "userName": user, "firstName": first, "lastName": last},
        }
        if rng.random() < 0.5:
            event["data"] = {"k": rng.choice(DATA)}
        events.append(event)
    return {
        "id": f"R{index:03d}",
        "callerPhoneNumber": rng.choice(CALLERS),
        "dialedPhoneNumber": f"+1800555{index % 3:04d}",
        "region": rng.choice(REGIONS),
        "mediaFiles": [
            {
                "mediaDescriptor": {"storage": "webDAV", "path": f"http://dav/{index}.mp3"},
                "callUUID": f"C{index}",
                "startTime": format_time(start),
                "stopTime": format_time(start + timedelta(minutes=3)),
            }
        ],
        "eventHistory": events,
    }


@pytest.mark.parametrize("filter", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in vars(f).items() if v))
async def test_pushed_down_and_gateway_filtering_agree(store, filter):
    rng = random.Random(7)
    documents = [document(i, rng) for i in range(48)]
    await store.ingest_many(documents)
    source = LocalSource("local", store, remover=None, reader=None)  # type: ignore[arg-type]
    page = await source.list_recordings(RecordingSearch(filter=filter), None, 100)
    pushed = [r.source_id for r in page.items]
    criteria = unpushed(filter, frozenset())
    stored = [merge(None, d) for d in reversed(documents)]
    gateway = [d["id"] for d in stored if matches(to_recording(d, "local"), filter, criteria)]
    assert pushed == gateway
    assert len(gateway) < len(documents) or filter == RecordingFilter(caller_number="*")


# What the recording index applies itself, on top of the filters above.
INDEX_FILTERS = [
    *FILTERS,
    RecordingFilter(states=(RecordingState.AVAILABLE,)),
    RecordingFilter(states=(RecordingState.ERROR,)),
    RecordingFilter(kinds=(RecordingKind.CALL,)),
    RecordingFilter(kinds=(RecordingKind.SCREEN,)),
    RecordingFilter(conversation_id="R007"),
    RecordingFilter(started_before=START + timedelta(hours=5)),
    RecordingFilter(dialed_number="+1800555000*", region="US-EAST"),
]


@pytest.mark.parametrize("filter", INDEX_FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in vars(f).items() if v))
async def test_index_and_gateway_filtering_agree(store, filter):
    """The index applies `PUSHDOWN` and narrows by numbers it knows; the gateway applies the rest once
    it has every number (here: the documents'), and the result is the gateway's brute force."""
    rng = random.Random(7)
    recordings = [to_recording(merge(None, document(i, rng)), "src") for i in range(48)]
    # Every other recording keeps its numbers on a call resource the index has not read yet.
    listed = [
        dataclasses.replace(r, call_id=f"call-{r.source_id}", caller_number=None, dialed_number=None) if i % 2 else r
        for i, r in enumerate(recordings)
    ]
    index = RecordingIndex(store.engine)
    await index.upsert("src", listed, START)
    await index.prune("src", START)
    page = await SourceIndex("src", index).list_recordings(RecordingSearch(filter=filter), None, 100)
    assert all(r.caller_number is not None for r in page.items if r.call_id is None)
    known = {r.source_id: r for r in recordings}
    gateway = [r.source_id for r in page.items if matches(known[r.source_id], filter, unpushed(filter, PUSHDOWN))]
    brute_force = [r.source_id for r in reversed(recordings) if matches(r, filter, unpushed(filter, frozenset()))]
    assert gateway == brute_force
