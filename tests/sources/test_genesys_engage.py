"""The Genesys Engage connector's search through GraphQL, against the GWS sandbox on real HTTP.

The sandbox lists newest first and pages by offset past 100, so its own listing is the
brute-force reference; the connector walks start-time windows instead and must agree exactly.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from gateway.config import LOCAL_SOURCE_ID, Settings
from gateway.filtering import matches, unpushed
from gateway.ids import GlobalId
from gateway.query import RecordingFilter
from gateway.sources.engage_model import to_recording
from gateway.store import RecordingStore
from sandboxes.genesys_engage.data import documents
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.runner import RunningSandbox, start_sandboxes, stop_sandboxes
from tests.graphql import codes, gql, walk, without_cursors
from tests.sources.conftest import Counts, gateway_for, source_config

ANCHOR = datetime(2025, 3, 1, tzinfo=UTC)
SEED = 7
REGION = "us-east"
LISTING = "GET /api/v2/recordings"

LIST = """
query($first: Int, $after: String, $filter: RecordingFilter) {
  recordings(filter: $filter, first: $first, after: $after) {
    edges { node { id sourceId startTime } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def sandbox_config(size: int, **knobs: Any) -> SandboxConfig:
    return SandboxConfig(seed=SEED, size=size, anchor=ANCHOR, knobs=Knobs(rate_limits=False, **knobs))


@asynccontextmanager
async def engage_sandbox(size: int = 60) -> AsyncIterator[RunningSandbox]:
    (sandbox,) = await start_sandboxes(["genesys_engage"], sandbox_config(size))
    try:
        yield sandbox
    finally:
        await stop_sandboxes([sandbox])


def engage(sandbox: RunningSandbox, **options: Any):
    names = ("username", "password", "ops_username", "ops_password", "contact_center_id", "region")
    return source_config(sandbox, "engage", {n: sandbox.connection[n] for n in names}, **options)


async def vendor_listing(sandbox: RunningSandbox, **params: str) -> list[dict[str, Any]]:
    """Every recording the server shows for `params`, newest first (the sandbox pages past 100)."""
    c, found = sandbox.connection, []
    async with httpx.AsyncClient(auth=(c["username"], c["password"])) as http:
        while True:
            query = {"startTime": "0", **params, "offset": str(len(found)), "limit": "100"}
            body = (await http.get(f"{c['base_url']}/recordings", params=query)).json()
            found += body["recordings"]
            if "nextUri" not in body:
                return found


async def post_recordings(sandbox: RunningSandbox, posted: list[dict[str, Any]]) -> None:
    """Create recordings as the OPS admin would, with the CSRF session from ``GET /me``."""
    c = sandbox.connection
    async with httpx.AsyncClient(auth=(c["ops_username"], c["ops_password"])) as http:
        me = await http.get(f"{c['base_url']}/me")
        headers = {me.headers["x-csrf-header"]: me.headers["x-csrf-token"]}
        for document in posted:
            response = await http.post(
                f"{c['base_url']}/ops/contact-centers/{c['contact_center_id']}/recordings",
                json=document,
                headers=headers,
            )
            assert response.json() == {"statusCode": 0}, response.text


def recording_document(
    recording_id: str,
    start: datetime,
    *,
    seconds: int = 30,
    agent: int = 0,
    region: str = REGION,
    storage: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A small valid POST body: one media file, a customer and an agent."""
    stop = start + timedelta(seconds=seconds)
    return {
        "id": recording_id,
        "callerPhoneNumber": "+15550001234",
        "dialedPhoneNumber": "+18005550000",
        "region": region,
        "mediaFiles": [
            {
                "startTime": start.isoformat(),
                "stopTime": stop.isoformat(),
                "callUUID": recording_id,
                "mediaDescriptor": storage
                or {"storage": "awsS3", "path": f"tests/{recording_id}.mp3", "data": {"bucket": "gir-tests"}},
                "mediaId": f"{recording_id}.mp3",
                "type": "audio/mp3",
                "duration": str(seconds * 1000),
            }
        ],
        "eventHistory": [
            {
                "occurredAt": start.isoformat(),
                "event": "Joined",
                "contact": {"type": "External", "phoneNumber": "+15550001234"},
            },
            {
                "occurredAt": start.isoformat(),
                "event": "Joined",
                "data": {"CustomerSegment": "platinum"},
                "contact": {
                    "type": "User",
                    "phoneNumber": "+14155550000",
                    "userName": f"burst.agent{agent}@example.com",
                    "firstName": "Burst",
                    "lastName": f"Agent{agent}",
                },
            },
        ],
    }


async def test_paging_returns_every_recording_once_newest_first_through_dense_windows(tmp_path):
    """400 seeded calls plus 150 starting within one minute and 110 starting in the same millisecond."""
    async with engage_sandbox(size=400) as sandbox:
        minute, instant = ANCHOR - timedelta(days=10), ANCHOR - timedelta(days=20, seconds=0.25)
        await post_recordings(
            sandbox,
            [
                recording_document(f"BURST{i:04d}", minute + timedelta(milliseconds=397 * i), agent=i % 5)
                for i in range(150)
            ],
        )
        await post_recordings(
            sandbox, [recording_document(f"SAME{i:04d}", instant, seconds=20 + i % 40) for i in range(110)]
        )
        expected = [d["id"] for d in await vendor_listing(sandbox)]
        assert len(expected) > 600 and len(set(expected)) == len(expected)
        counts = Counts(sandbox.base_url)
        for first in (7, 25, 100):
            async with gateway_for(tmp_path / str(first), engage(sandbox)) as client:
                await counts.reset()
                assert await walk(client, first, {"sources": ["engage"]}) == expected
                # Windows hold about 50 and are fetched once (resumed pages hit the cache): 34 calls here,
                # the dense minute's windows costing two or three (their "tail" is read by offset too).
                calls = (await counts.read())[LISTING]
                assert calls <= len(expected) // 12, (first, calls)


async def test_a_time_range_inside_the_listing_is_pushed_down(tmp_path):
    async with engage_sandbox(size=200) as sandbox, gateway_for(tmp_path, engage(sandbox)) as client:
        listing = await vendor_listing(sandbox)
        newer, older = listing[40]["startTime"], listing[160]["startTime"]
        expected = [d["id"] for d in listing[41:161]]  # started at or after `older`, before `newer`
        after, before = to_recording(listing[160], "x").start_time, to_recording(listing[40], "x").start_time
        assert (newer, older) and len(expected) == 120
        found = await walk(
            client, 25, {"sources": ["engage"], "startedAfter": after.isoformat(), "startedBefore": before.isoformat()}
        )
        assert found == expected


FILTERS: list[dict[str, Any]] = [
    {"callerNumber": "+1415555*"},
    {"dialedNumber": "+18005551*"},
    {"callerNumber": "+1415555*", "dialedNumber": "*5"},
    {"participant": "alice*"},
    {"participant": "Amber AND Novak"},
    {"participant": "tomas AND o*"},
    {"participant": "amber bruno"},
    {"participant": "*@example.com AND chen"},
    {"userData": "gold"},
    {"userData": "CASE-0* silver"},
    {"participant": "a*", "userData": "gold bronze", "callerNumber": "+1*"},
]


async def test_pushed_down_filters_match_the_local_store_and_the_gateway_filter(tmp_path):
    """The local store holds the same documents; `gateway.filtering` is the post-filter."""
    size = 300
    async with engage_sandbox(size=size) as sandbox:
        store = await RecordingStore.open(Settings(data_dir=tmp_path).database_url)
        for batch in documents(SEED, size, anchor=ANCHOR, region=REGION):
            await store.ingest_many(batch)
        await store.aclose()
        everything = [to_recording(d, "engage") for d in await vendor_listing(sandbox)]
        middle = everything[len(everything) // 2].start_time
        time_range = {"startedAfter": (middle - timedelta(days=6)).isoformat(), "startedBefore": middle.isoformat()}
        async with gateway_for(tmp_path, engage(sandbox)) as client:
            for criteria in [*FILTERS, time_range, {"participant": "amber bruno tomas marco", **time_range}]:
                pushed = await walk(client, 25, {"sources": ["engage"], **criteria})
                stored = await walk(client, 25, {"sources": [LOCAL_SOURCE_ID], "region": REGION, **criteria})
                domain = RecordingFilter(
                    started_after=datetime.fromisoformat(criteria["startedAfter"])
                    if "startedAfter" in criteria
                    else None,
                    started_before=datetime.fromisoformat(criteria["startedBefore"])
                    if "startedBefore" in criteria
                    else None,
                    caller_number=criteria.get("callerNumber"),
                    dialed_number=criteria.get("dialedNumber"),
                    participant=criteria.get("participant"),
                    user_data=criteria.get("userData"),
                )
                criteria_set = unpushed(domain, frozenset())
                brute = [r.source_id for r in everything if matches(r, domain, criteria_set)]
                assert pushed, criteria
                assert pushed == stored == brute, criteria


async def test_a_second_identical_query_is_served_from_the_cache_and_a_delete_invalidates(tmp_path):
    async with engage_sandbox(size=80) as sandbox, gateway_for(tmp_path, engage(sandbox)) as client:
        counts = Counts(sandbox.base_url)
        await counts.reset()
        query = {"sources": ["engage"], "dialedNumber": "+1800555*"}
        body = await gql(client, LIST, first=20, filter=query)
        assert "errors" not in body and (await counts.read())[LISTING] >= 1
        await counts.reset()
        assert without_cursors(await gql(client, LIST, first=20, filter=query)) == without_cursors(body)
        assert await counts.read() == {}, "a second identical query makes no upstream call"

        victim = body["data"]["recordings"]["edges"][3]["node"]
        deleted = await gql(
            client, "mutation($id: ID!) { deleteRecording(id: $id) { deletedId complete } }", id=victim["id"]
        )
        assert deleted["data"]["deleteRecording"] == {"deletedId": victim["id"], "complete": True}
        after = await gql(client, LIST, first=20, filter=query)
        ids = [e["node"]["sourceId"] for e in after["data"]["recordings"]["edges"]]
        assert victim["sourceId"] not in ids and ids[:3] == [
            e["node"]["sourceId"] for e in body["data"]["recordings"]["edges"][:3]
        ]
        missing = await gql(client, "query($id: ID!) { recording(id: $id) { sourceId } }", id=victim["id"])
        assert codes(missing) == ["NOT_FOUND"]


async def test_recordings_by_id_respect_region_affinity(tmp_path):
    async with engage_sandbox(size=60) as sandbox, gateway_for(tmp_path, engage(sandbox)) as client:
        posted = [d for batch in documents(SEED, 60, anchor=ANCHOR, region=REGION) for d in batch]
        here = next(d for d in posted if d["region"] == REGION)
        elsewhere = next(d for d in posted if d["region"] != REGION)
        query = """query($id: ID!) { recording(id: $id) {
            sourceId region callerNumber dialedNumber durationMs mediaFiles { id mediaId format sizeBytes } } }"""
        body = await gql(client, query, id=GlobalId("engage", "Recording", here["id"]).encode())
        recording = body["data"]["recording"]
        assert recording["sourceId"] == here["id"] and recording["region"] == REGION
        assert recording["dialedNumber"] == here["dialedPhoneNumber"]
        assert [m["mediaId"] for m in recording["mediaFiles"]] == [m["mediaId"] for m in here["mediaFiles"]]
        assert all(m["sizeBytes"] and len(m["id"]) == 36 for m in recording["mediaFiles"])  # GWS's file uuid
        for other in (elsewhere["id"], "NO-SUCH-RECORDING"):
            missing = await gql(client, query, id=GlobalId("engage", "Recording", other).encode())
            assert codes(missing) == ["NOT_FOUND"]
        listed = await walk(client, 100, {"sources": ["engage"], "region": "eu-central"})
        assert listed == []
