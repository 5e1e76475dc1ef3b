"""The Webex namespace and deletes through GraphQL: details, links, metadata, recycle bin, purge."""

from datetime import timedelta

import httpx

from gateway.ids import GlobalId
from tests.graphql import codes, gql
from tests.sources.conftest import Counts, gateway_for, running_sandbox
from tests.sources.test_webex import NOW, ordered, stamp, vendor_listing, webex

DETAILS = """query($id: String!) { webex(source: "wx") { recording(id: $id) {
  id topic createTime timeRecorded ownerEmail ownerType status storageRegion callSessionId durationSeconds
  temporaryDirectDownloadLinks { audioDownloadLink transcriptDownloadLink expiration }
  metadata recording { id sourceId state } } } }"""

WEBEX_LIST = """query($filter: WebexRecordingFilter, $first: Int!, $after: String) {
  webex(source: "wx") { recordings(filter: $filter, first: $first, after: $after) {
    edges { node { id status ownerEmail } } pageInfo { hasNextPage endCursor } } } }"""

UNIFIED = '{ recordings(filter: {sources: ["wx"]}, first: 100) { nodes { sourceId state } } }'

MOVES = {
    name: f"""mutation($input: WebexRecycleBinInput!) {{ {name}(source: "wx", input: $input) {{
  source recordingIds all ownerEmail recordings {{ id status recording {{ state }} }} }} }}"""
    for name in ("webexSoftDeleteRecordings", "webexRestoreRecordings", "webexPurgeRecordings")
}


async def webex_walk(client, filter, first=25) -> list[dict]:
    seen, after = [], None
    while True:
        body = await gql(client, WEBEX_LIST, filter=filter, first=first, after=after)
        assert "errors" not in body, body
        page = body["data"]["webex"]["recordings"]
        seen += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


def unified_ids(body) -> set[str]:
    return {node["sourceId"] for node in body["data"]["recordings"]["nodes"]}


async def test_details_links_metadata_and_media(tmp_path):
    async with running_sandbox("webex", size=20) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        item = (await vendor_listing(sandbox))[0]
        body = await gql(client, DETAILS, id=item["id"])
        assert "errors" not in body, body
        details = body["data"]["webex"]["recording"]
        assert [details["id"], details["ownerEmail"], details["status"]] == [
            item["id"],
            item["ownerEmail"],
            "available",
        ]
        assert details["callSessionId"] == item["serviceData"]["callSessionId"]
        assert details["metadata"]["serviceData"]["callRecordingId"] == item["id"]
        assert details["recording"]["sourceId"] == item["id"] and details["recording"]["state"] == "AVAILABLE"
        links = details["temporaryDirectDownloadLinks"]
        assert links["expiration"] and links["transcriptDownloadLink"]
        async with httpx.AsyncClient() as http:  # pre-signed: no token needed
            audio = await http.get(links["audioDownloadLink"])
        assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
        # The unified recording by id, and its media streamed through the gateway.
        unified = await gql(
            client, "query($id: ID!) { recording(id: $id) { title media { url } } }", id=details["recording"]["id"]
        )
        assert unified["data"]["recording"]["title"] == item["topic"]
        media = await client.get(unified["data"]["recording"]["media"]["url"], headers={"range": "bytes=0-99"})
        assert media.status_code == 206 and media.content == audio.content[:100]
        assert (await gql(client, DETAILS, id="no-such-recording"))["data"]["webex"]["recording"] is None
        missing = GlobalId("wx", "Recording", "no-such-recording").encode()
        assert codes(await gql(client, "query($id: ID!) { recording(id: $id) { id } }", id=missing)) == ["NOT_FOUND"]


async def test_namespace_list_with_vendor_filters_pages_over_any_range(tmp_path):
    async with running_sandbox("webex", size=300) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        everything = await vendor_listing(sandbox)
        span = {"createdAfter": stamp(NOW - timedelta(days=40)), "createdBefore": stamp(NOW + timedelta(days=1))}
        assert [n["id"] for n in await webex_walk(client, span, first=7)] == ordered(everything)
        owner = everything[0]["ownerEmail"]
        mine = await webex_walk(client, {**span, "ownerEmail": owner})
        assert [n["id"] for n in mine] == ordered([i for i in everything if i["ownerEmail"] == owner])
        queues = await webex_walk(client, {**span, "ownerType": "CALL_QUEUE", "serviceType": "CUSTOMER_ASSIST"})
        assert [n["id"] for n in queues] == ordered([i for i in everything if i["ownerType"] == "callQueue"])
        topic = everything[3]["topic"].split()[-1]
        titled = await webex_walk(client, {**span, "topic": topic.upper(), "storageRegion": "US"})
        assert [n["id"] for n in titled] == ordered(
            [i for i in everything if topic.casefold() in i["topic"].casefold() and i["storageRegion"] == "US"]
        )
        for status in ("deleted", "purged"):
            bin_ = await webex_walk(client, {**span, "status": status.upper()})
            assert [n["id"] for n in bin_] == ordered(await vendor_listing(sandbox, status=status))
            assert bin_ and {n["status"] for n in bin_} == {status}
        reversed_range = {"createdAfter": span["createdBefore"], "createdBefore": span["createdAfter"]}
        assert codes(await gql(client, WEBEX_LIST, filter=reversed_range, first=5)) == ["BAD_USER_INPUT"]


async def test_soft_delete_restore_purge_are_visible_in_later_queries(tmp_path):
    async with running_sandbox("webex", size=30) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        a, b = (item["id"] for item in (await vendor_listing(sandbox))[:2])
        assert {a, b} <= unified_ids(await gql(client, UNIFIED))  # now cached
        counts = Counts(sandbox.base_url)
        moved = await gql(client, MOVES["webexSoftDeleteRecordings"], input={"recordingIds": [a, b]})
        assert "errors" not in moved, moved
        payload = moved["data"]["webexSoftDeleteRecordings"]
        assert payload["recordingIds"] == [a, b] and payload["all"] is False
        assert [(r["id"], r["status"], r["recording"]["state"]) for r in payload["recordings"]] == [
            (a, "deleted", "DELETED"),
            (b, "deleted", "DELETED"),
        ]
        await counts.reset()
        assert not {a, b} & unified_ids(await gql(client, UNIFIED)), "the mutation invalidated the cached list"
        assert (await counts.read())["GET /v1/admin/convergedRecordings"] >= 1
        recycle_bin = {n["id"] for n in await webex_walk(client, {"status": "DELETED"})}
        assert {a, b} <= recycle_bin
        restored = await gql(client, MOVES["webexRestoreRecordings"], input={"recordingIds": [a]})
        assert [r["status"] for r in restored["data"]["webexRestoreRecordings"]["recordings"]] == ["available"]
        assert a in unified_ids(await gql(client, UNIFIED))
        purged = await gql(client, MOVES["webexPurgeRecordings"], input={"recordingIds": [b]})
        assert [r["status"] for r in purged["data"]["webexPurgeRecordings"]["recordings"]] == ["purged"]
        assert b in {n["id"] for n in await webex_walk(client, {"status": "PURGED"})}
        by_id = await gql(
            client,
            "query($id: ID!) { recording(id: $id) { state vendorData mediaFiles { id } } }",
            id=GlobalId("wx", "Recording", b).encode(),
        )
        assert by_id["data"]["recording"]["state"] == "DELETED"
        assert by_id["data"]["recording"]["vendorData"]["status"] == "purged"
        assert by_id["data"]["recording"]["mediaFiles"] == []


async def test_all_flags_move_one_owners_recordings(tmp_path):
    async with running_sandbox("webex", size=40) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        everything = await vendor_listing(sandbox)
        owner = everything[0]["ownerEmail"]
        theirs = {i["id"] for i in everything if i["ownerEmail"] == owner}
        moved = await gql(client, MOVES["webexSoftDeleteRecordings"], input={"all": True, "ownerEmail": owner})
        assert moved["data"]["webexSoftDeleteRecordings"]["recordings"] == []
        assert not theirs & unified_ids(await gql(client, UNIFIED))
        assert {n["id"] for n in await webex_walk(client, {"status": "DELETED", "ownerEmail": owner})} >= theirs
        await gql(client, MOVES["webexRestoreRecordings"], input={"all": True, "ownerEmail": owner})
        assert theirs <= unified_ids(await gql(client, UNIFIED))


async def test_recycle_bin_rules_are_input_errors_and_vendor_refusals_name_the_source(tmp_path):
    async with running_sandbox("webex", size=10) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        recording_id = (await vendor_listing(sandbox))[0]["id"]
        counts = Counts(sandbox.base_url)
        await counts.reset()
        for bad, field in (
            ({"all": True, "recordingIds": [recording_id], "ownerEmail": "a@x.com"}, "recordingIds"),
            ({"all": True}, "ownerEmail"),
            ({"recordingIds": [recording_id], "ownerEmail": "a@x.com"}, "ownerEmail"),
            ({"recordingIds": []}, "recordingIds"),
            ({"recordingIds": [f"r{i}" for i in range(101)]}, "recordingIds"),
        ):
            body = await gql(client, MOVES["webexPurgeRecordings"], input=bad)
            (error,) = body["errors"]
            assert error["extensions"]["code"] == "BAD_USER_INPUT", bad
            assert [e["field"] for e in error["extensions"]["fieldErrors"]] == [field], bad
        assert await counts.read() == {}, "rule violations never reach Webex"
        body = await gql(client, MOVES["webexRestoreRecordings"], input={"recordingIds": [recording_id]})
        (error,) = body["errors"]
        assert error["extensions"] == {"code": "SOURCE_REJECTED", "source": "wx"}
        assert "is not in the recycle bin" in error["message"]
        body = await gql(client, MOVES["webexSoftDeleteRecordings"], input={"recordingIds": ["no-such-recording"]})
        assert codes(body) == ["NOT_FOUND"]
        body = await gql(client, '{ webex(source: "local") { source } }')
        assert codes(body) == ["BAD_USER_INPUT"]
        assert codes(await gql(client, '{ webex(source: "nope") { source } }')) == ["NOT_FOUND"]


async def test_recycle_bin_needs_an_admin_token(tmp_path):
    async with running_sandbox("webex", size=5) as sandbox:
        config = webex(sandbox)
        config = type(config)(
            config.instance, config.kind, config.base_url, {"token": config.credentials["token"]}, config.options
        )
        async with gateway_for(tmp_path, config) as client:
            body = await gql(client, MOVES["webexSoftDeleteRecordings"], input={"recordingIds": ["x"]})
            assert codes(body) == ["UNSUPPORTED"]


async def test_delete_is_permanent_and_invalidates(tmp_path):
    async with running_sandbox("webex", size=20) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        first, second = (item["id"] for item in (await vendor_listing(sandbox))[:2])
        assert {first, second} <= unified_ids(await gql(client, UNIFIED))
        global_id = GlobalId("wx", "Recording", first).encode()
        assert "errors" not in await gql(client, "query($id: ID!) { recording(id: $id) { id } }", id=global_id)
        deleted = await gql(
            client, "mutation($id: ID!) { deleteRecording(id: $id) { deletedId mediaDeleted } }", id=global_id
        )
        assert deleted["data"]["deleteRecording"] == {"deletedId": global_id, "mediaDeleted": True}
        assert first not in unified_ids(await gql(client, UNIFIED))
        assert codes(await gql(client, "query($id: ID!) { recording(id: $id) { id } }", id=global_id)) == ["NOT_FOUND"]
        assert (await gql(client, DETAILS, id=first))["data"]["webex"]["recording"] is None
        query = """mutation($id: String!, $comment: String) {
          webexDeleteRecording(source: "wx", id: $id, reason: "legal hold ended", comment: $comment)
          { deletedId recordingId } }"""
        assert codes(await gql(client, query, id=second, comment="x" * 256)) == ["BAD_USER_INPUT"]
        body = await gql(client, query, id=second, comment="retention")
        assert body["data"]["webexDeleteRecording"]["recordingId"] == second
        assert second not in unified_ids(await gql(client, UNIFIED))
        assert codes(await gql(client, query, id=second)) == ["NOT_FOUND"]
