"""`last`/`before` pages, seeking from a sort key, and `totalCount`'s reason when it is null."""

from datetime import timedelta

import httpx
import pytest

from gateway.config import LOCAL_SOURCE_ID
from gateway.merge.recordings import merge_recordings, sort_key
from gateway.query import RecordingSearch, SortField
from gateway.sources.local import LocalSource
from gateway.store import MediaReader, MediaRemover
from gateway.store.engage import format_time
from tests.graphql import codes, gql, nodes, placed
from tests.store.test_recording_store import START, make_recording
from tests.test_five_sources import synced

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
        everything = (await merge_recordings([local], search, {}, 100)).items
        assert len(everything) == 12
        for recording in everything:
            value, _, native_id = key(recording)
            # The key of this recording, and keys of other sources' recordings tied with it.
            for at in ((value, LOCAL_SOURCE_ID, native_id), (value, "a-source", "x"), (value, "z-source", "x")):
                found = await merge_recordings([local], search, {}, 100, after_key=at)
                expected = [r for r in everything if (key(r) < at if descending else key(r) > at)]
                assert found.items == expected, at


def edges(body: dict) -> list[tuple[str, str]]:
    return [placed(edge["node"]) for edge in body["data"]["recordings"]["edges"]]


async def test_cursors_of_either_direction_page_both_ways(five_sources):
    client, services = five_sources
    await synced(client, services)
    forward = [placed(node) for node in await nodes(client, first=100)]
    assert len(forward) > 150
    first = await gql(client, PAGE, first=10)
    second = await gql(client, PAGE, first=10, after=first["data"]["recordings"]["pageInfo"]["endCursor"])
    assert edges(second) == forward[10:20]
    # Back from a forward page's start: the page before it.
    back = await gql(client, PAGE, last=10, before=second["data"]["recordings"]["pageInfo"]["startCursor"])
    assert edges(back) == forward[:10]
    assert back["data"]["recordings"]["pageInfo"]["hasPreviousPage"] is False
    assert back["data"]["recordings"]["pageInfo"]["hasNextPage"] is True
    # Forward from a backward page's cursor (a sort key only): every source seeks to it.
    middle = await gql(client, PAGE, last=5, before=back["data"]["recordings"]["edges"][9]["cursor"])
    assert edges(middle) == forward[4:9]
    onward, after = [], middle["data"]["recordings"]["pageInfo"]["endCursor"]
    while len(onward) < 60:
        body = await gql(client, PAGE, first=7, after=after)
        assert "errors" not in body, body
        onward += edges(body)
        after = body["data"]["recordings"]["pageInfo"]["endCursor"]
    assert onward[:60] == forward[9:69]
    # And back again from deep in that walk.
    deeper = await gql(client, PAGE, last=25, before=body["data"]["recordings"]["edges"][-1]["cursor"])
    assert edges(deeper) == forward[len(onward) + 9 - 26 : len(onward) + 9 - 1]


async def test_page_arguments_are_checked(gateway, seed_recording):
    await gql(
        gateway, "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }", r=seed_recording
    )
    cursor = (await gql(gateway, PAGE, first=1))["data"]["recordings"]["edges"][0]["cursor"]
    for arguments in (
        {"first": 5, "last": 5},
        {"last": 5, "after": cursor},
        {"first": 5, "before": cursor},
        {"last": 0},
        {"last": 101},
    ):
        assert codes(await gql(gateway, PAGE, **arguments)) == ["BAD_USER_INPUT"], arguments
    assert codes(await gql(gateway, PAGE, last=5, before="nonsense")) == ["INVALID_CURSOR"]
    assert codes(await gql(gateway, PAGE, last=5, before=cursor, filter={"text": "x"})) == ["INVALID_CURSOR"]
    back = await gql(gateway, PAGE, last=5, before=cursor)
    assert back["data"]["recordings"]["edges"] == [] and "errors" not in back


COUNT = """
query($filter: RecordingFilter, $order: RecordingOrder) {
  recordings(filter: $filter, first: 1, orderBy: $order) { totalCount }
}"""


async def test_total_count_is_null_with_a_reason_when_a_source_cannot_count(five_sources):
    sources_gateway, services = five_sources
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
        "bandwidth-sandbox",
        "genesys-cloud-sandbox",
        "genesys-engage-sandbox",
        "webex-sandbox",
    }
    # An order listed from the synced index is counted by it.
    await synced(sources_gateway, services)
    bandwidth = {"sources": ["bandwidth-sandbox", LOCAL_SOURCE_ID]}
    listed = await nodes(sources_gateway, first=100, filter=bandwidth)
    ascending = await gql(sources_gateway, COUNT, filter=bandwidth, order={"field": "START_TIME", "direction": "ASC"})
    assert ascending["data"]["recordings"]["totalCount"] == len(listed) == 70 and "extensions" not in ascending
