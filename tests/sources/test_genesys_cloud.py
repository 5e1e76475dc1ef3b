"""The Genesys Cloud connector through GraphQL against the Platform API sandbox on real HTTP."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx

from gateway.cache import RedisCache, cache_key
from gateway.ids import GlobalId
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.runner import RunningSandbox, start_sandboxes, stop_sandboxes
from tests.conftest import REDIS_URL
from tests.graphql import codes, gql, walk, without_cursors
from tests.sources.conftest import Counts, gateway_for, source_config
from tests.waiting import wait_until

ANALYTICS = "POST /api/v2/analytics/conversations/details/query"
CONVERSATION = "GET /api/v2/conversations/{conversationId}/recordings"
ANNOTATIONS = "GET /api/v2/conversations/{conversationId}/recordings/{recordingId}/annotations"
USERS = "GET /api/v2/users"

LIST = """
query($first: Int, $after: String, $filter: RecordingFilter, $order: RecordingOrder) {
  recordings(filter: $filter, first: $first, after: $after, orderBy: $order) {
    edges { node { sourceId } }
    pageInfo { hasNextPage endCursor }
  }
}"""

FIELDS = """
query($first: Int) {
  recordings(filter: {sources: ["gc"]}, first: $first) {
    nodes {
      id sourceId kind state startTime endTime durationMs sizeBytes format conversationId callerNumber
      retention { archiveAt deleteAt exportAt } vendorData mediaFiles { id format mimeType }
    }
  }
}"""


@asynccontextmanager
async def genesys_sandbox(size: int = 60, **knobs) -> AsyncIterator[RunningSandbox]:
    """A sandbox whose world clock runs a little ahead of ours (its anchor is otherwise floored
    to the minute), so retention dates we set to "now" have passed for it too."""
    config = SandboxConfig(
        seed=7, size=size, anchor=datetime.now(UTC) + timedelta(seconds=2), knobs=Knobs(rate_limits=False, **knobs)
    )
    (sandbox,) = await start_sandboxes(["genesys_cloud"], config)
    try:
        yield sandbox
    finally:
        await stop_sandboxes([sandbox])


def genesys(sandbox: RunningSandbox, **options):
    c = sandbox.connection
    return source_config(sandbox, "gc", {k: c[k] for k in ("client_id", "client_secret")}, **options)


class Vendor:
    """The sandbox's own API, called directly (a brute-force view to compare the gateway with)."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self.base = sandbox.base_url
        self.auth = (sandbox.connection["client_id"], sandbox.connection["client_secret"])

    async def recordings(self) -> list[dict]:
        """Every conversation recording, newest first (ties by id), found by one wide query."""
        async with httpx.AsyncClient(base_url=self.base) as http:
            grant = await http.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=self.auth)
            http.headers["Authorization"] = f"Bearer {grant.json()['access_token']}"
            now = datetime.now(UTC)
            interval = f"{(now - timedelta(days=60)).isoformat()}/{(now + timedelta(days=1)).isoformat()}"
            conversations, page = [], 1
            while True:
                body = (
                    await http.post(
                        "/api/v2/analytics/conversations/details/query",
                        json={"interval": interval, "paging": {"pageSize": 100, "pageNumber": page}},
                    )
                ).json()
                conversations += [c["conversationId"] for c in body.get("conversations", [])]
                if len(conversations) >= body["totalHits"]:
                    break
                page += 1
            found = []
            for conversation in conversations:
                response = await http.get(
                    f"/api/v2/conversations/{conversation}/recordings", params={"formatId": "NONE"}
                )
                assert response.status_code == 200, response.text
                found += [{**r, "nativeId": f"{conversation}/{r['id']}"} for r in response.json()]
        return sorted(found, key=lambda r: (r["startTime"], r["nativeId"]), reverse=True)


def moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def test_paging_returns_every_recording_once_in_start_order(tmp_path):
    async with genesys_sandbox(size=90) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        expected = [r["nativeId"] for r in await Vendor(sandbox).recordings()]
        assert len(expected) == 90
        for first in (7, 25, 100):
            assert await walk(client, first, {"sources": ["gc"]}) == expected
        ascending = await walk(client, 25, {"sources": ["gc"]}, order={"field": "START_TIME", "direction": "ASC"})
        assert ascending == expected[::-1]


async def test_dense_windows_are_halved_or_paged_and_stay_exact(tmp_path):
    """More conversations in a window than one analytics page: halve it, or page the query at the
    smallest size; the order and the positions stay exact either way."""
    day = 86400
    async with genesys_sandbox(size=240) as sandbox:
        expected = [r["nativeId"] for r in await Vendor(sandbox).recordings()]
        for options in ({"window_s": 4 * day, "max_window_s": 32 * day}, {"window_s": 64 * day}):
            async with gateway_for(tmp_path / str(len(options)), genesys(sandbox, **options)) as client:
                counts = Counts(sandbox.base_url)
                await counts.reset()
                assert await walk(client, 100, {"sources": ["gc"]}) == expected, options
                assert (await counts.read())[ANALYTICS] >= 3


async def test_the_time_range_is_pushed_down(tmp_path):
    async with genesys_sandbox(size=60) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        everything = await Vendor(sandbox).recordings()
        newest, oldest = everything[10]["startTime"], everything[40]["startTime"]
        expected = [r["nativeId"] for r in everything if oldest <= r["startTime"] < newest]
        counts = Counts(sandbox.base_url)
        await counts.reset()
        assert await walk(client, 7, {"sources": ["gc"], "startedAfter": oldest, "startedBefore": newest}) == expected
        served = await counts.read()
        assert served[CONVERSATION] < 45, "only conversations around the range are read"


async def test_mapping_states_transcoding_and_fields(tmp_path):
    async with genesys_sandbox(size=60) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        raw = {r["nativeId"]: r for r in await Vendor(sandbox).recordings()}
        body = await gql(client, FIELDS, first=60)
        nodes = body["data"]["recordings"]["nodes"]
        states = {
            "AVAILABLE": "AVAILABLE",
            "RESTORED": "AVAILABLE",
            "ARCHIVED": "ARCHIVED",
            "DELETED": "DELETED",
            "RESTORING": "RESTORING",
            "UPLOADING": "PROCESSING",
            "ERROR": "ERROR",
        }
        transcoding = []
        for node in nodes:
            vendor = raw[node["sourceId"]]
            assert node["kind"] == ("SCREEN" if vendor["media"] == "screen" else "CALL")
            assert node["conversationId"] == vendor["conversationId"]
            assert moment(node["startTime"]) == moment(vendor["startTime"]) and node["startTime"].endswith("+00:00")
            assert node["callerNumber"] and node["callerNumber"].startswith("+")
            assert moment(node["retention"]["deleteAt"]) == moment(vendor.get("deleteDate"))
            assert node["vendorData"]["id"] == vendor["id"]
            if node["state"] == "PROCESSING" and vendor["fileState"] in ("AVAILABLE", "RESTORED"):
                transcoding.append(node)  # a 202: still transcoding into WAV, not an error
                assert node["mediaFiles"] == [] and node["durationMs"] > 0
                continue
            assert node["state"] == states[vendor["fileState"]]
            if node["mediaFiles"]:
                assert node["format"] == "WAV" and node["sizeBytes"] > node["durationMs"]
                assert node["mediaFiles"] == [{"id": "0", "format": "WAV", "mimeType": "audio/wav"}]
                assert node["durationMs"] == vendor["outputDurationMs"]
        assert transcoding, "the seeded data has recordings that are cold in WAV"

        async def transcoded() -> bool:  # the sandbox transcodes in at most 1.5 s
            fresh = await client.post(
                "/graphql", json={"query": FIELDS, "variables": {"first": 60}}, headers={"cache-control": "no-cache"}
            )
            now = {n["sourceId"]: n for n in fresh.json()["data"]["recordings"]["nodes"]}
            return all(
                now[n["sourceId"]]["state"] == "AVAILABLE" and now[n["sourceId"]]["mediaFiles"] for n in transcoding
            )

        await wait_until(transcoded, "the cold recordings are transcoded and AVAILABLE")


PAGE_WITH_OWNERS = """{ recordings(filter: {sources: ["gc"]}, first: 100) {
  nodes { sourceId owner { name email state } annotations { name locationMs } } } }"""


async def test_owners_and_annotations_are_batched_and_cached(tmp_path):
    async with genesys_sandbox(size=100) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        counts = Counts(sandbox.base_url)
        await counts.reset()
        body = await gql(client, PAGE_WITH_OWNERS)
        assert "errors" not in body, body
        nodes = body["data"]["recordings"]["nodes"]
        assert len(nodes) == 100 and all(n["owner"]["email"] for n in nodes)
        assert "deleted" in {n["owner"]["state"] for n in nodes}, "deleted owners resolve too (state=any)"
        assert any(n["annotations"] for n in nodes)
        served = await counts.read()
        assert served[USERS] == 1, "one users call for the page's owners"
        assert served[ANNOTATIONS] == 100, "one annotations call per recording (no batch form)"
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
        assert served[ANNOTATIONS] == 1 and served[CONVERSATION] == 1 and served[USERS] == 1, "deduplicated"


async def test_recordings_by_id_and_their_numbers_in_one_query(tmp_path):
    async with genesys_sandbox(size=30) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        listed = (await gql(client, FIELDS, first=5))["data"]["recordings"]["nodes"]
        ids = [n["id"] for n in listed]
        async with gateway_for(tmp_path / "other", genesys(sandbox)) as other:
            counts = Counts(sandbox.base_url)
            await counts.reset()
            query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Recording { sourceId callerNumber state } } }"
            body = await gql(other, query, ids=ids)
            found = body["data"]["nodes"]
            assert [n["sourceId"] for n in found] == [n["sourceId"] for n in listed]
            assert [n["callerNumber"] for n in found] == [n["callerNumber"] for n in listed]
            served = await counts.read()
            assert served[ANALYTICS] == 1, "the numbers of all five come from one analytics query"
            assert served[CONVERSATION] == 5
        missing = await gql(
            client,
            "query($id: ID!) { recording(id: $id) { sourceId } }",
            id=GlobalId("gc", "Recording", "no-conversation/no-recording").encode(),
        )
        assert codes(missing) == ["NOT_FOUND"]


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


async def test_users_by_search_and_by_id(tmp_path):
    async with genesys_sandbox(size=10) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        body = await gql(
            client, '{ users(search: "patel", first: 100) { nodes { id name email identities { source sourceId } } } }'
        )
        found = [u for u in body["data"]["users"]["nodes"] if u["identities"][0]["source"] == "gc"]
        assert found and all("patel" in u["name"].lower() for u in found)
        assert [u["email"] for u in found] == sorted(u["email"].casefold() for u in found), "people by email"
        one = await gql(client, "query($id: ID!) { user(id: $id) { email } }", id=found[0]["id"])
        assert one["data"]["user"]["email"] == found[0]["email"]


async def test_faults_give_partial_data_naming_the_source(tmp_path, seed_recording):
    async with (
        genesys_sandbox(size=10) as sandbox,
        gateway_for(tmp_path, genesys(sandbox, retries=1, breaker_threshold=100, retry_max_wait_s=1)) as client,
    ):
        await gql(
            client, "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }", r=seed_recording
        )
        query = "{ recordings(first: 10) { nodes { source { kind } } } }"
        assert "errors" not in await gql(client, query)  # the token is fetched and kept
        counts = Counts(sandbox.base_url)
        for knobs, code in (
            ({"outage": True}, "SOURCE_UNAVAILABLE"),
            ({"error_rate": 1.0}, "SOURCE_UNAVAILABLE"),
            ({"throttle_rate": 1.0}, "SOURCE_RATE_LIMITED"),
        ):
            await counts.knobs(**{"outage": False, "error_rate": 0.0, "throttle_rate": 0.0, **knobs})
            response = await client.post("/graphql", json={"query": query}, headers={"cache-control": "no-cache"})
            body = response.json()
            assert [n["source"]["kind"] for n in body["data"]["recordings"]["nodes"]] == ["LOCAL"], knobs
            (error,) = body["errors"]
            assert error["extensions"] == {"code": code, "source": "gc"}, knobs


async def test_bad_credentials_are_an_auth_error_without_the_secret(tmp_path):
    async with genesys_sandbox(size=5) as sandbox:
        config = source_config(
            sandbox, "gc", {"client_id": sandbox.connection["client_id"], "client_secret": "not-the-secret-xyz"}
        )
        async with gateway_for(tmp_path, config) as client:
            body = await gql(client, '{ recordings(filter: {sources: ["gc"]}) { nodes { sourceId } } }')
            (error,) = body["errors"]
            assert error["extensions"] == {"code": "SOURCE_AUTH_FAILED", "source": "gc"}
            assert "not-the-secret-xyz" not in str(body)


async def test_replicas_share_the_access_token_and_responses_through_redis(tmp_path):
    async with genesys_sandbox(size=20) as sandbox:
        counts = Counts(sandbox.base_url)
        config = genesys(sandbox, token_url=f"{sandbox.base_url}/oauth/token")
        query = '{ recordings(filter: {sources: ["gc"]}, first: 5) { nodes { sourceId owner { name } } } }'
        async with (
            gateway_for(tmp_path / "a", config, redis_url=REDIS_URL) as one,
            gateway_for(tmp_path / "b", config, redis_url=REDIS_URL) as two,
        ):
            await counts.reset()
            first = await one.post("/graphql", json={"query": query}, headers={"cache-control": "no-cache"})
            assert "errors" not in first.json()
            second = await gql(two, query)
            assert second == first.json()
            served = await counts.read()
            assert served.get("POST /oauth/token", 0) <= 1, "the other replica reuses the token"
            assert served[USERS] == 1, "and the cached responses"


async def test_a_rejected_token_is_replaced_once(tmp_path):
    """A shared token the API no longer accepts (401): one new grant, the call retried, no error."""
    async with genesys_sandbox(size=5) as sandbox:
        token_url = f"{sandbox.base_url}/oauth/token"
        cache = RedisCache.from_url(REDIS_URL)
        key = cache_key("oauth", "gc", token_url, sandbox.connection["client_id"])
        await cache.set(key, json.dumps({"access_token": "revoked", "at": 0}).encode(), ttl_s=60)
        await cache.aclose()
        counts = Counts(sandbox.base_url)
        async with gateway_for(tmp_path, genesys(sandbox, token_url=token_url), redis_url=REDIS_URL) as client:
            await counts.reset()
            query = '{ genesysCloud(source: "gc") { recordingSettings } }'
            response = await client.post("/graphql", json={"query": query}, headers={"cache-control": "no-cache"})
            assert "errors" not in response.json(), response.json()
            assert (await counts.read())["POST /oauth/token"] == 1
