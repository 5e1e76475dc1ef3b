"""`last`/`before` pages, seeking from a sort key, and `totalCount`'s reason when it is null."""

from datetime import timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.datastructures import Secret

from gateway.app import create_app
from gateway.config import LOCAL_SOURCE_ID, Settings
from gateway.search import search_recordings, sort_key
from gateway.sources.base import RecordingSearch, SortField
from gateway.sources.local import LocalSource
from gateway.store import MediaReader, MediaRemover
from gateway.store.engage import format_time
from tests.graphql import codes, gql
from tests.store.test_recording_store import START, make_recording

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String, $filter: RecordingFilter, $order: RecordingOrder) {
  recordings(filter: $filter, first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    edges { cursor node { sourceId source { id } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


def tied(index: int) -> dict:
    """Recordings three to an hour (equal start times) with durations that repeat."""
    document = make_recording(index)
    start = START + timedelta(hours=index // 3)
    for media in document["mediaFiles"]:
        media["startTime"] = format_time(start)
        media["stopTime"] = format_time(start + timedelta(minutes=1 + index % 4))
    for event in document["eventHistory"]:
        event["occurredAt"] = format_time(start)
    return document


@pytest.mark.parametrize("sort", [SortField.START_TIME, SortField.DURATION])
@pytest.mark.parametrize("descending", [True, False])
async def test_a_keyset_source_seeks_just_after_any_sources_key(store, tmp_path, sort, descending):
    for index in range(12):
        await store.ingest(tied(index))
    async with httpx.AsyncClient() as http:
        local = LocalSource(LOCAL_SOURCE_ID, store, MediaRemover(tmp_path, http), MediaReader(tmp_path, http))
        search = RecordingSearch(sort=sort, descending=descending)
        key = sort_key(search)
        everything = (await search_recordings([local], search, {}, 100)).items
        assert len(everything) == 12
        for recording in everything:
            value, _, native_id = key(recording)
            # The key of this recording, and keys of other sources' recordings tied with it.
            for at in ((value, LOCAL_SOURCE_ID, native_id), (value, "a-source", "x"), (value, "z-source", "x")):
                found = await search_recordings([local], search, {}, 100, after_key=at)
                expected = [r for r in everything if (key(r) < at if descending else key(r) > at)]
                assert found.items == expected, at


def edges(body: dict) -> list[tuple[str, str]]:
    return [(e["node"]["source"]["id"], e["node"]["sourceId"]) for e in body["data"]["recordings"]["edges"]]


async def walk_forward(client, first, filter, order=None) -> list[tuple[str, str]]:
    seen, after = [], None
    while True:
        body = await gql(client, PAGE, first=first, after=after, filter=filter, order=order)
        assert "errors" not in body, body
        page = body["data"]["recordings"]
        seen += [(e["node"]["source"]["id"], e["node"]["sourceId"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


async def walk_backward(client, last, filter, order=None) -> list[tuple[str, str]]:
    seen, before = [], None
    while True:
        body = await gql(client, PAGE, last=last, before=before, filter=filter, order=order)
        assert "errors" not in body, body
        page = body["data"]["recordings"]
        assert len(page["edges"]) == last or not page["pageInfo"]["hasPreviousPage"], "backward pages are full"
        seen = [(e["node"]["source"]["id"], e["node"]["sourceId"]) for e in page["edges"]] + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            return seen
        before = page["pageInfo"]["startCursor"]


@pytest.fixture
async def sources_gateway(tmp_path):
    settings = Settings(data_dir=tmp_path, cursor_secret=Secret("s"), sandboxes=True, sandbox_size=40)
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=120) as manager, httpx.AsyncClient(
        transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway", timeout=60
    ) as client:
        for index in range(0, 30 * 24, 24):
            await gql(client, "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }",
                      r=make_recording(index))
        yield client


# Sources that list in both directions natively.
BOTH_WAYS = {"sources": [LOCAL_SOURCE_ID, "genesys-cloud-sandbox", "webex-sandbox"]}


@pytest.mark.parametrize("direction", ["DESC", "ASC"])
async def test_paging_backward_from_the_end_lists_everything_once_in_order(sources_gateway, direction):
    order = {"field": "START_TIME", "direction": direction}
    forward = await walk_forward(sources_gateway, 100, BOTH_WAYS, order)
    assert len(set(forward)) == len(forward) > 60
    assert {source for source, _ in forward} == set(BOTH_WAYS["sources"])
    for last in (7, 25):
        assert await walk_backward(sources_gateway, last, BOTH_WAYS, order) == forward, f"pages of {last}"


async def test_cursors_of_either_direction_page_both_ways(sources_gateway):
    forward = await walk_forward(sources_gateway, 100, BOTH_WAYS)
    first = await gql(sources_gateway, PAGE, first=10, filter=BOTH_WAYS)
    second = await gql(sources_gateway, PAGE, first=10, after=first["data"]["recordings"]["pageInfo"]["endCursor"],
                       filter=BOTH_WAYS)
    assert edges(second) == forward[10:20]
    # Back from a forward page's start: the page before it.
    back = await gql(sources_gateway, PAGE, last=10, before=second["data"]["recordings"]["pageInfo"]["startCursor"],
                     filter=BOTH_WAYS)
    assert edges(back) == forward[:10]
    assert back["data"]["recordings"]["pageInfo"]["hasPreviousPage"] is False
    assert back["data"]["recordings"]["pageInfo"]["hasNextPage"] is True
    # Forward from a backward page's cursor (a sort key only): seeks in every source.
    middle = await gql(sources_gateway, PAGE, last=5, before=back["data"]["recordings"]["edges"][9]["cursor"],
                       filter=BOTH_WAYS)
    assert edges(middle) == forward[4:9]
    onward, after = [], middle["data"]["recordings"]["pageInfo"]["endCursor"]
    while len(onward) < 40:
        body = await gql(sources_gateway, PAGE, first=7, after=after, filter=BOTH_WAYS)
        onward += edges(body)
        after = body["data"]["recordings"]["pageInfo"]["endCursor"]
    assert onward[:40] == forward[9:49]


async def test_page_arguments_are_checked(gateway, seed_recording):
    await gql(gateway, "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }",
              r=seed_recording)
    cursor = (await gql(gateway, PAGE, first=1))["data"]["recordings"]["edges"][0]["cursor"]
    for arguments in ({"first": 5, "last": 5}, {"last": 5, "after": cursor}, {"first": 5, "before": cursor},
                      {"last": 0}, {"last": 101}):
        assert codes(await gql(gateway, PAGE, **arguments)) == ["BAD_USER_INPUT"], arguments
    assert codes(await gql(gateway, PAGE, last=5, before="nonsense")) == ["INVALID_CURSOR"]
    assert codes(await gql(gateway, PAGE, last=5, before=cursor, filter={"text": "x"})) == ["INVALID_CURSOR"]
    back = await gql(gateway, PAGE, last=5, before=cursor)
    assert back["data"]["recordings"]["edges"] == [] and "errors" not in back


COUNT = """
query($filter: RecordingFilter) { recordings(filter: $filter, first: 1) { totalCount } }"""


async def test_total_count_is_null_with_a_reason_when_a_source_cannot_count(sources_gateway):
    local = await gql(sources_gateway, COUNT, filter={"sources": [LOCAL_SOURCE_ID]})
    assert local == {"data": {"recordings": {"totalCount": 30}}}
    # The local store filters by time itself, so it counts; state is applied by the gateway.
    since = (START + timedelta(days=10)).isoformat()
    counted = await gql(sources_gateway, COUNT, filter={"sources": [LOCAL_SOURCE_ID], "startedAfter": since})
    assert counted["data"]["recordings"]["totalCount"] == 20 and "extensions" not in counted
    by_state = await gql(sources_gateway, COUNT, filter={"sources": [LOCAL_SOURCE_ID], "states": ["AVAILABLE"]})
    assert by_state["data"]["recordings"]["totalCount"] is None
    (notice,) = by_state["extensions"]["notices"]
    assert notice["code"] == "TOTAL_COUNT_UNAVAILABLE" and notice["path"] == ["recordings", "totalCount"]
    assert notice["sources"] == [{"source": LOCAL_SOURCE_ID, "reason": notice["sources"][0]["reason"]}]
    assert "state" in notice["sources"][0]["reason"]
    everywhere = await gql(sources_gateway, COUNT)
    assert everywhere["data"]["recordings"]["totalCount"] is None and "errors" not in everywhere
    (notice,) = everywhere["extensions"]["notices"]
    assert {s["source"] for s in notice["sources"]} == {
        "bandwidth-sandbox", "genesys-cloud-sandbox", "genesys-engage-sandbox", "webex-sandbox"
    }

