"""A filter gives the same recordings whether a source applies it (SQL) or the gateway does."""

import dataclasses
import random
from datetime import timedelta

import pytest

from gateway.cache import MemoryCache
from gateway.filtering import matches, unpushed
from gateway.models import RecordingKind, RecordingState, UserRef
from gateway.query import RecordingFilter, RecordingSearch
from gateway.sources.engage_model import to_recording
from gateway.sources.indexed import PUSHDOWN, SourceIndex
from gateway.sources.local import LocalSource
from gateway.sources.registry import SourceDeps, create_source
from gateway.store.engage import format_time, merge
from gateway.store.recording_index import RecordingIndex
from tests.sources.conftest import running_sandbox
from tests.sources.test_genesys_cloud import genesys
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


def genesys_filters(everything: list, emails: dict) -> list[RecordingFilter]:
    """Filters over a Genesys Cloud listing, around a conversation with a consult (two recordings, two owners)."""
    consult = next(r for r in everything if r.vendor_data.get("mediaSubtype") == "Consult")
    agent = next(r for r in everything if r.conversation_id == consult.conversation_id and r is not consult)
    caller, dialed = consult.caller_number, consult.dialed_number
    return [
        RecordingFilter(conversation_id=consult.conversation_id),
        RecordingFilter(conversation_id="no-such-conversation"),
        RecordingFilter(conversation_id=""),
        RecordingFilter(caller_number=caller),
        RecordingFilter(caller_number=f"tel:{caller}"),
        RecordingFilter(caller_number=caller[:6] + "*"),
        RecordingFilter(dialed_number=dialed),
        RecordingFilter(dialed_number="*" + dialed[-2:]),
        RecordingFilter(caller_number=caller, dialed_number=dialed),
        RecordingFilter(owners=(consult.owner,)),
        RecordingFilter(owners=(consult.owner, agent.owner)),
        RecordingFilter(owners=(UserRef("elsewhere", consult.owner.source_id),)),
        RecordingFilter(owners=()),
        RecordingFilter(owner_email=emails[consult.owner].upper()),
        RecordingFilter(owner_email="nobody@example.com"),
        RecordingFilter(owner_email=""),
        RecordingFilter(owners=(consult.owner,), owner_email=emails[agent.owner]),
        RecordingFilter(owners=(agent.owner,), owner_email=emails[agent.owner], caller_number=caller),
        RecordingFilter(
            started_after=consult.start_time, started_before=everything[0].start_time, owners=(agent.owner,)
        ),
    ]


async def test_genesys_cloud_pushdown_and_gateway_filtering_agree():
    """What the Genesys Cloud listing applies itself (analytics predicates, then its own checks) equals
    the gateway applying the same criteria to the unfiltered listing; number patterns stay the gateway's."""
    async with running_sandbox("genesys_cloud", size=150) as sandbox:
        source = create_source(genesys(sandbox), SourceDeps(cache=MemoryCache(), ttls={}))
        try:
            everything = list((await source.list_recordings(RecordingSearch(), None, 1000)).items)
            owners = list({r.owner for r in everything if r.owner})
            users = await source.get_users([owner.source_id for owner in owners])
            emails = {owner: user.email if user else None for owner, user in zip(owners, users, strict=True)}
            for filter in genesys_filters(everything, emails):
                search = RecordingSearch(filter=filter)
                pushed = [c for c in unpushed(filter, frozenset()) if c in source.pushdown(search)]
                page = await source.list_recordings(search, None, 1000)
                gateway = [r for r in everything if matches(r, filter, pushed, owner_email=emails.get(r.owner))]
                assert [r.source_id for r in page.items] == [r.source_id for r in gateway], filter
                assert page.next is None
                wildcard = "*" in (filter.caller_number or "") + (filter.dialed_number or "")
                assert bool(pushed) != (wildcard or filter.owner_email == ""), filter
                assert len(page.items) < len(everything) or not pushed
        finally:
            await source.aclose()
