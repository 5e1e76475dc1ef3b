"""Genesys Cloud annotations, deletes and media through GraphQL against the Platform API sandbox."""

import httpx

from gateway.ids import GlobalId
from tests.graphql import codes, gql, without_cursors
from tests.sources.conftest import Counts, gateway_for
from tests.sources.test_genesys_cloud import (
    ANNOTATIONS,
    CONVERSATION,
    FIELDS,
    PAGE_WITH_OWNERS,
    USERS,
    Vendor,
    genesys,
    genesys_sandbox,
)
from tests.waiting import wait_until


async def test_owners_are_batched_and_annotations_come_with_the_recordings(tmp_path):
    async with genesys_sandbox(size=100) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        counts = Counts(sandbox.base_url)
        await counts.reset()
        body = await gql(client, PAGE_WITH_OWNERS)
        assert "errors" not in body, body
        nodes = body["data"]["recordings"]["nodes"]
        assert len(nodes) == 100 and all(n["owner"]["email"] for n in nodes)
        assert "deleted" in {n["owner"]["state"] for n in nodes}, "deleted owners resolve too (state=any)"
        served = await counts.read()
        assert served[USERS] == 1, "one users call for the page's owners"
        assert ANNOTATIONS not in served, "the conversation's recordings embed their annotations"
        annotated = [n for n in nodes if n["annotations"]]
        assert annotated
        for node in annotated[:3]:
            vendor = await Vendor(sandbox).annotations(node["sourceId"])
            assert [a["id"] for a in node["annotations"]] == [
                GlobalId("gc", "Annotation", f"{node['sourceId']}/{a['id']}").encode() for a in vendor
            ]
            assert [(a["name"], a["locationMs"], a["durationMs"]) for a in node["annotations"]] == [
                (a["name"], a["location"], a["durationMs"]) for a in vendor
            ]
        await counts.reset()
        assert without_cursors(await gql(client, PAGE_WITH_OWNERS)) == without_cursors(body)
        assert await counts.read() == {}, "a second identical query makes no upstream call"

        one = GlobalId("gc", "Recording", nodes[0]["sourceId"]).encode()
        twice = (
            "query($id: ID!) { a: recording(id: $id) { annotations { name } } "
            "b: recording(id: $id) { annotations { name } owner { name } } }"
        )
        fresh = await client.post(
            "/graphql", json={"query": twice, "variables": {"id": one}}, headers={"cache-control": "no-cache"}
        )
        assert "errors" not in fresh.json()
        served = await counts.read()
        assert served == {CONVERSATION: 1, USERS: 1}, "deduplicated; the annotations came with the recording"


ANNOTATED = "query($id: ID!) { recording(id: $id) { annotations { id name description locationMs durationMs } } }"


async def test_annotations_round_trip_through_the_generic_mutations(tmp_path):
    async with genesys_sandbox(size=20) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        node = next(
            n
            for n in (await gql(client, FIELDS, first=20))["data"]["recordings"]["nodes"]
            if n["kind"] == "CALL" and n["durationMs"] > 60_000
        )
        before = (await gql(client, ANNOTATED, id=node["id"]))["data"]["recording"]["annotations"]
        created = await gql(
            client,
            """mutation($r: ID!) { createAnnotation(recordingId: $r,
            input: {name: "QA", description: "greeting skipped", locationMs: 1000, durationMs: 5000}) { id name } }""",
            r=node["id"],
        )
        annotation = created["data"]["createAnnotation"]
        after = (await gql(client, ANNOTATED, id=node["id"]))["data"]["recording"]["annotations"]
        assert len(after) == len(before) + 1
        assert {
            "id": annotation["id"],
            "name": "QA",
            "description": "greeting skipped",
            "locationMs": 1000,
            "durationMs": 5000,
        } in after
        updated = await gql(
            client,
            'mutation($a: ID!) { updateAnnotation(id: $a, input: {description: "ok"}) { description locationMs } }',
            a=annotation["id"],
        )
        assert updated["data"]["updateAnnotation"] == {"description": "ok", "locationMs": 1000}
        conversation_id, recording_id = node["sourceId"].split("/")
        annotation_id = GlobalId.decode(annotation["id"]).native_id.rsplit("/", 1)[1]
        one = await gql(
            client,
            """query($c: String!, $r: String!, $a: String!) { genesysCloud(source: "gc") {
            annotation(conversationId: $c, recordingId: $r, annotationId: $a) { name description } } }""",
            c=conversation_id,
            r=recording_id,
            a=annotation_id,
        )
        assert one["data"]["genesysCloud"]["annotation"] == {"name": "QA", "description": "ok"}
        await gql(client, "mutation($a: ID!) { deleteAnnotation(id: $a) { deletedId } }", a=annotation["id"])
        assert (await gql(client, ANNOTATED, id=node["id"]))["data"]["recording"]["annotations"] == before
        outside = await gql(
            client,
            """mutation($r: ID!) { createAnnotation(recordingId: $r,
            input: {name: "late", locationMs: 999999999}) { id } }""",
            r=node["id"],
        )
        assert codes(outside) == ["SOURCE_REJECTED"] and "outside the recording" in outside["errors"][0]["message"]


async def test_delete_recording_sets_the_delete_date_or_deletes_the_user_recording(tmp_path):
    async with genesys_sandbox(size=20) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        node = next(
            n for n in (await gql(client, FIELDS, first=20))["data"]["recordings"]["nodes"] if n["state"] == "AVAILABLE"
        )
        deleted = await gql(
            client, "mutation($id: ID!) { deleteRecording(id: $id) { deletedId mediaDeleted } }", id=node["id"]
        )
        assert deleted["data"]["deleteRecording"] == {"deletedId": node["id"], "mediaDeleted": True}
        later = {n["sourceId"]: n for n in (await gql(client, FIELDS, first=20))["data"]["recordings"]["nodes"]}
        assert later[node["sourceId"]]["state"] == "DELETED" and later[node["sourceId"]]["retention"]["deleteAt"]
        vendor = {r["nativeId"]: r for r in await Vendor(sandbox).recordings()}
        assert vendor[node["sourceId"]]["fileState"] == "DELETED"

        inbox = """{ genesysCloud(source: "gc") { userRecordings(pageSize: 100) { entities { id sourceId kind }
                    paging { total } } } }"""
        listing = (await gql(client, inbox))["data"]["genesysCloud"]["userRecordings"]
        mine = listing["entities"][0]
        assert mine["kind"] == "USER_RECORDING"
        await gql(client, "mutation($id: ID!) { deleteRecording(id: $id) { deletedId } }", id=mine["id"])
        again = (await gql(client, inbox))["data"]["genesysCloud"]["userRecordings"]
        assert again["paging"]["total"] == listing["paging"]["total"] - 1
        assert mine["sourceId"] not in [e["sourceId"] for e in again["entities"]]
        gone = await gql(client, "query($id: ID!) { recording(id: $id) { sourceId } }", id=mine["id"])
        assert codes(gone) == ["NOT_FOUND"]


async def get_once_transcoded(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """GET `url` until the vendor has finished transcoding it (the sandbox takes up to 1.5 s)."""
    answers: list[httpx.Response] = []

    async def ready() -> bool:
        answers.append(await client.get(url))
        return answers[-1].status_code != 502

    await wait_until(ready, f"{url} transcoded")
    return answers[-1]


async def test_media_streams_through_the_gateway(tmp_path):
    async with genesys_sandbox(size=20) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        query = '{ recordings(filter: {sources: ["gc"]}, first: 20) { nodes { state media { url } } } }'
        node = next(n for n in (await gql(client, query))["data"]["recordings"]["nodes"] if n["media"])
        response = await client.get(node["media"]["url"])
        assert response.status_code == 200 and response.headers["content-type"] == "audio/wav"
        assert response.content[:4] == b"RIFF"
        ranged = await client.get(node["media"]["url"], headers={"range": "bytes=0-99"})
        assert ranged.status_code == 206 and len(ranged.content) == 100
        mp3 = '{ recordings(filter: {sources: ["gc"]}, first: 20) { nodes { media(format: MP3) { url } } } }'
        link = next(n for n in (await gql(client, mp3))["data"]["recordings"]["nodes"] if n["media"])
        response = await client.get(link["media"]["url"])  # the vendor transcodes (up to 1.5 s): we wait
        assert response.status_code == 200 and response.headers["content-type"] == "audio/mpeg"

        inbox = '{ genesysCloud(source: "gc") { userRecordings(pageSize: 3) { entities { media { url } } } } }'
        for entity in (await gql(client, inbox))["data"]["genesysCloud"]["userRecordings"]["entities"]:
            response = await client.get(entity["media"]["url"])
            if response.status_code == 502:  # still transcoding (202 Running): a moment later it is ready
                assert "transcoding" in response.json()["error"]
                response = await get_once_transcoded(client, entity["media"]["url"])
            assert response.status_code == 200 and response.content[:4] == b"RIFF"
