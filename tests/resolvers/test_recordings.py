"""Recordings through GraphQL, end to end, on SQLite and on PostgreSQL."""

import asyncio
import copy

from gateway.ids import GlobalId
from tests.graphql import codes, gql
from tests.store.test_recording_store import make_recording

INGEST = """
mutation Ingest($r: IngestRecordingInput!) {
  ingestRecording(input: $r) { created recording { id sourceId } }
}"""

RECORDING_FIELDS = """
id sourceId kind title state startTime endTime createdAt durationMs sizeBytes format region conversationId
callerNumber dialedNumber source { id kind } owner { id name email username }
participants { contact { type displayName phoneNumber user { id } } joinedAt leftAt }
mediaFiles { id format mimeType mediaId callUuid startTime endTime durationMs sizeBytes encrypted storage tenant
             ivrProfile parameters masks { time type } partitions accessGroups }
events { occurredAt type contact { userName } data } retention { deleteAt } annotations { id } vendorData
"""

SEARCH = """
query Search($filter: RecordingFilter, $first: Int, $after: String, $order: RecordingOrder) {
  recordings(filter: $filter, first: $first, after: $after, orderBy: $order) {
    totalCount edges { cursor node { id sourceId durationMs } } pageInfo { hasNextPage endCursor }
  }
}"""


async def ingest(gateway, document) -> dict:
    body = await gql(gateway, INGEST, r=document)
    assert "errors" not in body, body
    return body["data"]["ingestRecording"]


async def search(gateway, **variables) -> dict:
    body = await gql(gateway, SEARCH, **variables)
    assert "errors" not in body, body
    return body["data"]["recordings"]


async def test_the_seed_example_round_trips(gateway, seed_recording):
    created = await ingest(gateway, seed_recording)
    assert created["created"] is True
    query = f"query($f: RecordingFilter) {{ recordings(filter: $f) {{ totalCount nodes {{ {RECORDING_FIELDS} }} }} }}"
    body = await gql(gateway, query, f={"callerNumber": "+1650*", "participant": "dima AND POKH", "region": "test"})
    listing = body["data"]["recordings"]
    assert listing["totalCount"] == 1
    (recording,) = listing["nodes"]
    assert recording["id"] == created["recording"]["id"]
    assert GlobalId.decode(recording["id"]) == GlobalId("local", "Recording", "00PV5Q27MG8AB8VNE49362LAES000014")
    assert recording["startTime"] == "2013-05-17T19:45:32+00:00"
    assert recording["endTime"] == "2013-05-17T22:15:36+00:00"
    assert recording["durationMs"] == 9_004_000
    assert (recording["kind"], recording["state"], recording["format"]) == ("CALL", "AVAILABLE", "WAV")
    assert recording["source"] == {"id": "local", "kind": "LOCAL"}
    assert recording["owner"]["name"] == "Dima Pokh" and recording["owner"]["email"] == "dima.p@genesys.com"
    (media,) = recording["mediaFiles"]
    assert media["accessGroups"] == ["US", "US/CA"] and media["encrypted"] is True
    assert media["parameters"] == {"record": "source", "recorddn": "2222"}
    assert media["masks"] == [{"time": "2013-02-06T10:23:10.034000+00:00", "type": "paused"}]
    assert media["storage"] == "awsS3" and media["sizeBytes"] == 8544
    assert recording["events"][0]["type"] == "LEFT"
    assert recording["participants"][0]["contact"]["user"]["id"] == recording["owner"]["id"]
    assert "mediaFiles" not in recording["vendorData"]

    by_node = await gql(
        gateway,
        f"query($id: ID!) {{ node(id: $id) {{ ... on Recording {{ {RECORDING_FIELDS} }} }} }}",
        id=recording["id"],
    )
    assert by_node["data"]["node"] == recording
    by_id = await gql(gateway, "query($id: ID!) { recording(id: $id) { sourceId } }", id=recording["id"])
    assert by_id["data"]["recording"]["sourceId"] == "00PV5Q27MG8AB8VNE49362LAES000014"


async def test_a_repost_merges(gateway, seed_recording):
    await ingest(gateway, seed_recording)
    repost = copy.deepcopy(seed_recording)
    repost["mediaFiles"][0]["mediaDescriptor"]["path"] = "FTtests/sample2.mp3"
    merged = await ingest(gateway, repost)
    assert merged["created"] is False
    body = await gql(gateway, "{ recordings { totalCount nodes { mediaFiles { id } } } }")
    assert body["data"]["recordings"]["totalCount"] == 1
    assert len(body["data"]["recordings"]["nodes"][0]["mediaFiles"]) == 2


async def assert_nothing_stored(gateway) -> None:
    assert (await search(gateway))["totalCount"] == 0


async def test_missing_mandatory_fields(gateway, seed_recording):
    del seed_recording["region"]
    body = await gql(gateway, INGEST, r=seed_recording)
    assert body["data"] is None and codes(body) == ["BAD_USER_INPUT"]
    inline = await gql(gateway, 'mutation { ingestRecording(input: {id: "x"}) { created } }')
    assert set(codes(inline)) == {"GRAPHQL_VALIDATION_FAILED"}
    await assert_nothing_stored(gateway)


async def test_blank_strings_and_bad_dates_list_every_field(gateway, seed_recording):
    seed_recording["callerPhoneNumber"] = " +1650"
    seed_recording["mediaFiles"][0]["startTime"] = "2013-13-45T99:00:00Z"
    seed_recording["eventHistory"][0]["contact"]["userName"] = ""
    body = await gql(gateway, INGEST, r=seed_recording)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    fields = {e["field"] for e in error["extensions"]["fieldErrors"]}
    assert fields == {"callerPhoneNumber", "mediaFiles[0].startTime", "eventHistory[0].contact.userName"}
    await assert_nothing_stored(gateway)


async def test_page_size_and_cursor_errors(gateway, seed_recording):
    await ingest(gateway, seed_recording)
    for first in (0, 101):
        assert codes(await gql(gateway, SEARCH, first=first)) == ["BAD_USER_INPUT"]
    assert codes(await gql(gateway, SEARCH, after="not-a-cursor")) == ["INVALID_CURSOR"]
    cursor = (await search(gateway, first=1))["edges"][0]["cursor"]
    other_filter = await gql(gateway, SEARCH, after=cursor, filter={"region": "elsewhere"})
    assert codes(other_filter) == ["INVALID_CURSOR"]
    tampered = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]
    assert codes(await gql(gateway, SEARCH, after=tampered)) == ["INVALID_CURSOR"]


async def test_bad_ids(gateway):
    query = "query($id: ID!) { recording(id: $id) { id } }"
    assert codes(await gql(gateway, query, id="garbage")) == ["INVALID_ID"]
    missing = GlobalId("local", "Recording", "NOPE").encode()
    assert codes(await gql(gateway, query, id=missing)) == ["NOT_FOUND"]
    elsewhere = GlobalId("nowhere", "Recording", "X").encode()
    assert codes(await gql(gateway, query, id=elsewhere)) == ["NOT_FOUND"]
    user_id = GlobalId("local", "User", "u").encode()
    assert codes(await gql(gateway, query, id=user_id)) == ["INVALID_ID"]


async def test_paging_returns_every_recording_once_in_order(gateway):
    for index in range(1, 8):
        await ingest(gateway, make_recording(index, minutes=index % 3 + 1))
    seen, after, pages = [], None, 0
    while True:
        page = await search(gateway, first=3, after=after)
        assert page["totalCount"] == 7
        seen += [edge["node"]["sourceId"] for edge in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == [f"REC{i:04d}" for i in range(7, 0, -1)]
    middle = (await search(gateway, first=3))["edges"][1]["cursor"]
    resumed = await search(gateway, first=2, after=middle)
    assert [e["node"]["sourceId"] for e in resumed["edges"]] == ["REC0005", "REC0004"]


async def test_order_by_duration_ascending(gateway):
    for index in range(1, 5):
        await ingest(gateway, make_recording(index, minutes=10 - index))
    page = await search(gateway, order={"field": "DURATION", "direction": "ASC"}, first=2)
    durations = [e["node"]["durationMs"] for e in page["edges"]]
    rest = await search(gateway, order={"field": "DURATION", "direction": "ASC"}, after=page["pageInfo"]["endCursor"])
    durations += [e["node"]["durationMs"] for e in rest["edges"]]
    assert durations == [360_000, 420_000, 480_000, 540_000]


async def test_filters(gateway):
    await ingest(gateway, make_recording(1, caller="+1999", data={"order": "A-17"}))
    await ingest(gateway, make_recording(2, caller="+1888", agent=("bo@x.com", "Bo", "Stone")))
    assert (await search(gateway, filter={"callerNumber": "+19*"}))["totalCount"] == 1
    assert (await search(gateway, filter={"participant": "stone"}))["totalCount"] == 1
    assert (await search(gateway, filter={"userData": "A-*"}))["totalCount"] == 1
    window = {"startedAfter": "2024-03-01T13:30:00Z", "startedBefore": "2024-03-01T14:30:00+00:00"}
    assert [e["node"]["sourceId"] for e in (await search(gateway, filter=window))["edges"]] == ["REC0002"]
    assert (await search(gateway, filter={"sources": ["local"]}))["totalCount"] == 2
    assert codes(await gql(gateway, SEARCH, filter={"sources": ["nope"]})) == ["NOT_FOUND"]
    assert codes(await gql(gateway, SEARCH, filter={"startedAfter": "yesterday"})) == ["BAD_USER_INPUT"]


async def test_nodes_gives_partial_results(gateway, seed_recording):
    recording_id = (await ingest(gateway, seed_recording))["recording"]["id"]
    body = await gql(gateway, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=[recording_id, "bad"])
    assert body["data"]["nodes"] == [{"id": recording_id}, None]
    assert codes(body) == ["INVALID_ID"]


DELETE = """
mutation Delete($id: ID!, $sub: DeleteSubresources) {
  deleteRecording(id: $id, subresources: $sub) {
    deletedId mediaDeleted complete failedMedia { mediaId storage path message }
  }
}"""


async def test_delete_metadata_only(gateway, seed_recording):
    recording_id = (await ingest(gateway, seed_recording))["recording"]["id"]
    body = await gql(gateway, DELETE, id=recording_id)
    assert body["data"]["deleteRecording"] == {
        "deletedId": recording_id,
        "mediaDeleted": False,
        "complete": True,
        "failedMedia": [],
    }
    await assert_nothing_stored(gateway)
    assert codes(await gql(gateway, DELETE, id=recording_id)) == ["NOT_FOUND"]


async def test_delete_with_media_removes_s3_objects_and_reports_webdav_failures(gateway, settings, seed_recording):
    stored = settings.object_root / "stage-recordings" / "FTtests" / "sample1.mp3"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"ID3 audio")
    webdav = copy.deepcopy(seed_recording["mediaFiles"][0])
    webdav["mediaDescriptor"] = {"storage": "webDAV", "path": "http://127.0.0.1:9/media1.mp3"}
    webdav["mediaId"] = "dav-file"
    seed_recording["mediaFiles"].append(webdav)
    recording_id = (await ingest(gateway, seed_recording))["recording"]["id"]
    body = await gql(gateway, DELETE, id=recording_id, sub="METADATA_AND_MEDIA")
    result = body["data"]["deleteRecording"]
    assert result["mediaDeleted"] is True and result["complete"] is False
    (failure,) = result["failedMedia"]
    assert (failure["mediaId"], failure["storage"], failure["path"]) == (
        "dav-file",
        "webDAV",
        "http://127.0.0.1:9/media1.mp3",
    )
    assert failure["message"].startswith("Fail to send request deleting http://127.0.0.1:9/media1.mp3")
    assert not await asyncio.to_thread(stored.exists)
    await assert_nothing_stored(gateway)


async def test_filters_the_gateway_applies(gateway, seed_recording):
    await ingest(gateway, make_recording(1, caller="+1999", agent=("ann@x.com", "Ann", "Lee")))
    await ingest(gateway, make_recording(2, caller="+1888", agent=("bo@x.com", "Bo", "Stone")))
    await ingest(gateway, seed_recording)

    async def ids(**filter) -> list[str]:
        return [e["node"]["sourceId"] for e in (await search(gateway, filter=filter))["edges"]]

    assert await ids(states=["AVAILABLE"], kinds=["CALL"]) == ["REC0002", "REC0001", seed_recording["id"]]
    assert await ids(states=["DELETED"]) == []
    assert await ids(formats=["WAV"]) == [seed_recording["id"]]
    assert await ids(text="+1888") == ["REC0002"]
    assert await ids(conversationId="REC0001") == ["REC0001"]
    assert await ids(ownerEmail="BO@x.com") == ["REC0002"]
    owner = GlobalId("local", "User", "ann@x.com").encode()
    assert await ids(owner=owner) == ["REC0001"]
    assert await ids(sourceKinds=["WEBEX"]) == []
    assert await ids(sourceKinds=["LOCAL"], callerNumber="+1999") == ["REC0001"]
