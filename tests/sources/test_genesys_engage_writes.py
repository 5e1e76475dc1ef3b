"""The Genesys Engage connector's writes, CSRF session, media, faults and namespace, through GraphQL."""

from datetime import timedelta

from gateway.ids import GlobalId
from sandboxes.genesys_engage import create_app
from sandboxes.serving import start_server, stop_server
from tests.graphql import codes, gql
from tests.sources.conftest import Counts, gateway_for
from tests.sources.test_genesys_engage import (
    ANCHOR,
    LIST,
    REGION,
    engage,
    engage_sandbox,
    recording_document,
    sandbox_config,
    vendor_listing,
)

CREATE = """
mutation($source: String!, $input: IngestRecordingInput!) {
  genesysEngageCreateRecording(source: $source, input: $input) {
    created
    recording {
      id sourceId region startTime endTime mediaFiles { id mediaId storage } participants { contact { userName } }
    }
  }
}"""
DELETE = """
mutation($id: ID!, $subresources: DeleteSubresources!) {
  deleteRecording(id: $id, subresources: $subresources) {
    deletedId mediaDeleted complete failedMedia { mediaFileId storage path message }
  }
}"""
ME = "GET /api/v2/me"
POST = "POST /api/v2/ops/contact-centers/{contactCenterId}/recordings"
GET_ONE = "GET /api/v2/recordings/{recordingId}"


async def test_create_and_merge_through_the_namespace_with_a_csrf_session(tmp_path):
    async with engage_sandbox(size=10) as sandbox, gateway_for(tmp_path, engage(sandbox)) as client:
        counts = Counts(sandbox.base_url)
        await counts.reset()
        start = ANCHOR - timedelta(hours=3)
        document = recording_document("CREATED0000000000000000000000001", start)
        body = await gql(client, CREATE, source="engage", input=document)
        assert "errors" not in body, body
        created = body["data"]["genesysEngageCreateRecording"]
        assert created["created"] is True and created["recording"]["sourceId"] == document["id"]
        assert created["recording"]["region"] == REGION and len(created["recording"]["mediaFiles"]) == 1
        assert await counts.read() == {ME: 1, POST: 1, GET_ONE: 2}, "GET before/after, the session once, one POST"

        # A re-POST merges: a second media file (another storage path) and a new event.
        more = recording_document(document["id"], start + timedelta(seconds=30), agent=3)
        more["mediaFiles"][0]["mediaDescriptor"]["path"] = "tests/second-leg.mp3"
        await counts.reset()
        merged = (await gql(client, CREATE, source="engage", input=more))["data"]
        recording = merged["genesysEngageCreateRecording"]["recording"]
        assert merged["genesysEngageCreateRecording"]["created"] is False
        assert len(recording["mediaFiles"]) == 2 and recording["endTime"] > created["recording"]["endTime"]
        assert {p["contact"]["userName"] for p in recording["participants"]} >= {
            "burst.agent0@example.com",
            "burst.agent3@example.com",
        }
        assert await counts.read() == {POST: 1, GET_ONE: 2}, "the session's token is reused"

        listed = await gql(client, LIST, first=5, filter={"sources": ["engage"]})
        assert listed["data"]["recordings"]["edges"][0]["node"]["sourceId"] == document["id"], "the list was refreshed"


async def test_bad_input_is_refused_before_calling_the_vendor(tmp_path):
    async with engage_sandbox(size=5) as sandbox, gateway_for(tmp_path, engage(sandbox)) as client:
        counts = Counts(sandbox.base_url)
        await counts.reset()
        broken = recording_document("BROKEN000000000000000000000000001", ANCHOR)
        broken["mediaFiles"][0]["stopTime"] = (ANCHOR - timedelta(hours=1)).isoformat()
        broken["eventHistory"][1]["contact"]["userName"] = " padded "
        body = await gql(client, CREATE, source="engage", input=broken)
        assert codes(body) == ["BAD_USER_INPUT"]
        fields = {e["field"] for e in body["errors"][0]["extensions"]["fieldErrors"]}
        assert fields == {"mediaFiles[0].stopTime", "eventHistory[1].contact.userName"}
        elsewhere = recording_document("ELSEWHERE00000000000000000000001", ANCHOR, region="eu-central")
        body = await gql(client, CREATE, source="engage", input=elsewhere)
        assert codes(body) == ["BAD_USER_INPUT"], "region affinity: this server would never show it"
        assert await counts.read() == {}
        body = await gql(client, CREATE, source="local", input=elsewhere)
        assert codes(body) == ["BAD_USER_INPUT"], "only Genesys Engage sources"


async def test_a_lost_session_is_renewed_once(tmp_path):
    """The server restarts (new sessions, same data): the next write is refused for its CSRF token once."""
    config = sandbox_config(5)
    async with engage_sandbox(size=5) as sandbox, gateway_for(tmp_path, engage(sandbox)) as client:
        counts = Counts(sandbox.base_url)
        first = recording_document("SESSION00000000000000000000000001", ANCHOR - timedelta(hours=1))
        assert "errors" not in await gql(client, CREATE, source="engage", input=first)

        await stop_server(sandbox.server, sandbox.task)
        sandbox.server, sandbox.task = await start_server(create_app(config), "127.0.0.1", sandbox.server.config.port)
        second = recording_document("SESSION00000000000000000000000002", ANCHOR - timedelta(hours=2))
        body = await gql(client, CREATE, source="engage", input=second)
        assert "errors" not in body and body["data"]["genesysEngageCreateRecording"]["created"] is True
        served = await counts.read()
        assert served[POST] == 2 and served[ME] == 1, "403 'Missing or invalid Csrf token', new session, resent"


async def test_delete_with_media_reports_what_storage_could_not_delete(tmp_path):
    async with engage_sandbox(size=5) as sandbox, gateway_for(tmp_path, engage(sandbox)) as client:
        unreachable = {"storage": "webDAV", "path": "http://127.0.0.1:9/recordings/lost.mp3"}
        document = recording_document("DELETEME000000000000000000000001", ANCHOR, storage=unreachable)
        created = await gql(client, CREATE, source="engage", input=document)
        recording = created["data"]["genesysEngageCreateRecording"]["recording"]
        body = await gql(client, DELETE, id=recording["id"], subresources="METADATA_AND_MEDIA")
        outcome = body["data"]["deleteRecording"]
        assert outcome["complete"] is False and outcome["mediaDeleted"] is True
        (failure,) = outcome["failedMedia"]
        assert failure["mediaFileId"] == recording["mediaFiles"][0]["id"]
        assert (failure["storage"], failure["path"]) == ("webDAV", unreachable["path"]) and failure["message"]
        gone = await gql(client, "query($id: ID!) { recording(id: $id) { sourceId } }", id=recording["id"])
        assert codes(gone) == ["NOT_FOUND"], "the metadata is deleted all the same"
        again = await gql(client, DELETE, id=recording["id"], subresources="METADATA")
        assert codes(again) == ["NOT_FOUND"]

        seeded = (await vendor_listing(sandbox))[0]["id"]
        body = await gql(client, DELETE, id=GlobalId("engage", "Recording", seeded).encode(), subresources="METADATA")
        assert body["data"]["deleteRecording"]["complete"] is True
        assert seeded not in [d["id"] for d in await vendor_listing(sandbox)]


async def test_media_streams_through_the_gateway_and_encrypted_files_are_refused(tmp_path, seed_recording):
    async with engage_sandbox(size=40) as sandbox, gateway_for(tmp_path, engage(sandbox)) as client:
        body = await gql(
            client,
            '{ recordings(filter: {sources: ["engage"]}, first: 40) '
            "{ nodes { media { url } mediaFiles { format encrypted sizeBytes mimeType } } } }",
        )
        node = next(
            n
            for n in body["data"]["recordings"]["nodes"]
            if n["mediaFiles"][0]["format"] == "MP3" and not n["mediaFiles"][0]["encrypted"]
        )
        response = await client.get(node["media"]["url"], headers={"Range": "bytes=0-99"})
        assert response.status_code == 200, "GWS ignores Range: the whole file"
        assert response.headers["content-type"] == "audio/mp3"
        assert len(response.content) == int(response.headers["content-length"]) == node["mediaFiles"][0]["sizeBytes"]

        sealed = {**seed_recording, "id": "SEALED00000000000000000000000001", "region": REGION}
        created = await gql(client, CREATE, source="engage", input=sealed)
        recording_id = created["data"]["genesysEngageCreateRecording"]["recording"]["id"]
        link = await gql(
            client, "query($id: ID!) { recording(id: $id) { media { url } mediaFiles { encrypted } } }", id=recording_id
        )
        assert link["data"]["recording"]["mediaFiles"] == [{"encrypted": True}]
        refused = await client.get(link["data"]["recording"]["media"]["url"])
        assert refused.status_code == 415 and "Recording Crypto Server" in refused.json()["error"]


async def test_faults_give_partial_data_naming_the_source(tmp_path, seed_recording):
    async with (
        engage_sandbox(size=5) as sandbox,
        gateway_for(tmp_path, engage(sandbox, retries=0, breaker_threshold=100)) as client,
    ):
        await gql(
            client, "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }", r=seed_recording
        )
        counts = Counts(sandbox.base_url)
        sources = "{ sources { id kind capabilities health { status } } }"
        (engage_source,) = [s for s in (await gql(client, sources))["data"]["sources"] if s["id"] == "engage"]
        assert engage_source["kind"] == "GENESYS_ENGAGE" and engage_source["health"] == {"status": "UP"}
        assert {"SEARCH", "MEDIA", "INGEST", "DELETE", "FILTER_PARTICIPANT", "FILTER_REGION"} <= set(
            engage_source["capabilities"]
        )
        query = {"query": "{ recordings(first: 10) { nodes { source { id } } } }"}
        for knobs, code in (
            ({"outage": True}, "SOURCE_UNAVAILABLE"),
            ({"error_rate": 1.0}, "SOURCE_UNAVAILABLE"),
            ({"throttle_rate": 1.0}, "SOURCE_RATE_LIMITED"),
        ):
            await counts.knobs(**{"outage": False, "error_rate": 0.0, "throttle_rate": 0.0, **knobs})
            body = (await client.post("/graphql", json=query, headers={"cache-control": "no-cache"})).json()
            assert body["data"]["recordings"]["nodes"] == [{"source": {"id": "local"}}], knobs
            (error,) = body["errors"]
            assert error["extensions"] == {"code": code, "source": "engage"}, knobs
        health = await gql(client, sources)
        assert [s["health"]["status"] for s in health["data"]["sources"] if s["id"] == "engage"] == ["DOWN"]


async def test_the_namespace_searches_with_the_vendors_own_parameters(tmp_path):
    async with engage_sandbox(size=120) as sandbox, gateway_for(tmp_path, engage(sandbox)) as client:
        listing = await vendor_listing(sandbox)
        newest = listing[0]
        query = """query($id: String!, $start: DateTime, $end: DateTime, $offset: Int!) {
          genesysEngage(source: "engage") {
            source region contactCenterId
            recordings(startTime: $start, endTime: $end, dialedPhoneNumber: "+1800555*", offset: $offset, limit: 10) {
              offset hasNextPage hasPreviousPage recordings { id region document recording { sourceId } } }
            recording(id: $id) { id document } } }"""
        start, end = listing[60]["startTime"], listing[5]["stopTime"]
        body = await gql(
            client, query, id=newest["id"], start=start.replace("+0000", "Z"), end=end.replace("+0000", "Z"), offset=10
        )
        assert "errors" not in body, body
        namespace = body["data"]["genesysEngage"]
        assert (namespace["source"], namespace["region"]) == ("engage", REGION)
        assert namespace["contactCenterId"] == sandbox.connection["contact_center_id"]
        expected = await vendor_listing(sandbox, startTime=start, endTime=end, dialedPhoneNumber="+1800555*")
        page = namespace["recordings"]
        assert [r["id"] for r in page["recordings"]] == [d["id"] for d in expected[10:20]]
        assert page["hasPreviousPage"] and page["hasNextPage"] == (len(expected) > 20)
        assert all(
            r["recording"]["sourceId"] == r["id"] and "mediaUri" in r["document"]["mediaFiles"][0]
            for r in page["recordings"]
        )
        assert namespace["recording"]["document"] == newest

        missing = await gql(
            client, '{ genesysEngage(source: "engage") { recording(id: "NOPE") { id } recordings { offset } } }'
        )
        assert codes(missing) == ["BAD_USER_INPUT"], "GWS needs at least one search parameter"
        wrong = await gql(client, '{ genesysEngage(source: "local") { region } }')
        assert codes(wrong) == ["BAD_USER_INPUT"]


async def test_owners_of_engage_recordings_resolve_from_their_contacts(tmp_path):
    async with engage_sandbox(size=20) as sandbox, gateway_for(tmp_path, engage(sandbox)) as client:
        body = await gql(
            client,
            '{ recordings(filter: {sources: ["engage"]}, first: 20) { nodes { owner { name email username } } } }',
        )
        assert "errors" not in body, body
        owners = [n["owner"] for n in body["data"]["recordings"]["nodes"] if n["owner"]]
        assert owners and all(o["username"] and o["name"] for o in owners)
