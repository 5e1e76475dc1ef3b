"""The Genesys Cloud connector through GraphQL against the Platform API sandbox on real HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx

from gateway.ids import GlobalId
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.runner import RunningSandbox, start_sandboxes, stop_sandboxes
from tests.graphql import codes, gql, walk
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

PAGE_WITH_OWNERS = """{ recordings(filter: {sources: ["gc"]}, first: 100) {
  nodes { sourceId owner { name email state } annotations { id name locationMs durationMs } } } }"""


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

    @asynccontextmanager
    async def _http(self) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(base_url=self.base) as http:
            grant = await http.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=self.auth)
            http.headers["Authorization"] = f"Bearer {grant.json()['access_token']}"
            yield http

    async def conversations(self, since: datetime | None = None, **query) -> list[dict]:
        """The recorded conversations from `since` (default: 60 days ago) to tomorrow that `query` filters."""
        now = datetime.now(UTC)
        interval = f"{(since or now - timedelta(days=60)).isoformat()}/{(now + timedelta(days=1)).isoformat()}"
        conversations: list[dict] = []
        async with self._http() as http:
            while True:
                paging = {"pageSize": 100, "pageNumber": len(conversations) // 100 + 1}
                body = (
                    await http.post(
                        "/api/v2/analytics/conversations/details/query",
                        json={"interval": interval, "paging": paging, **query},
                    )
                ).json()
                conversations += body.get("conversations", [])
                if len(conversations) >= body["totalHits"]:
                    return conversations

    async def annotations(self, native_id: str) -> list[dict]:
        """A recording's annotations, from their own endpoint."""
        conversation_id, recording_id = native_id.split("/")
        async with self._http() as http:
            path = f"/api/v2/conversations/{conversation_id}/recordings/{recording_id}/annotations"
            return (await http.get(path)).json()

    async def recordings(self, since: datetime | None = None) -> list[dict]:
        """Every conversation recording starting from `since`, newest first (ties by id), found by one wide query."""
        found = []
        async with self._http() as http:
            for conversation in await self.conversations(since):
                cid = conversation["conversationId"]
                response = await http.get(f"/api/v2/conversations/{cid}/recordings", params={"formatId": "NONE"})
                assert response.status_code == 200, response.text
                found += [{**r, "nativeId": f"{cid}/{r['id']}"} for r in response.json()]
        found = [r for r in found if since is None or moment(r["startTime"]) >= since]
        return sorted(found, key=lambda r: (moment(r["startTime"]), r["nativeId"]), reverse=True)


def moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def test_paging_returns_every_recording_once_in_start_order(tmp_path):
    """Some conversations hold a second recording that starts part-way (a consult): each recording
    still comes once, in start order, however the pages fall."""
    async with genesys_sandbox(size=90) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        everything = await Vendor(sandbox).recordings()
        expected = [r["nativeId"] for r in everything]
        assert len({r["conversationId"] for r in everything}) == 90 < len(expected)
        for first in (7, 25, 100):
            assert await walk(client, first, {"sources": ["gc"]}) == expected
        for first in (7, 25):
            ascending = await walk(
                client, first, {"sources": ["gc"]}, order={"field": "START_TIME", "direction": "ASC"}
            )
            assert ascending == expected[::-1]


W1 = """query($first: Int) { recordings(filter: {sources: ["gc"]}, first: $first) {
  nodes { sourceId startTime owner { name email } annotations { id } mediaFiles { format sizeBytes } } } }"""


def in_progress(conversations: list[dict], at: datetime, listed: set[str]) -> int:
    """Conversations not in `listed` that were going on at `at` (one of their recordings could start later)."""
    return sum(
        1
        for c in conversations
        if c["conversationId"] not in listed and moment(c["conversationStart"]) < at <= moment(c["conversationEnd"])
    )


async def test_a_page_reads_only_the_conversations_that_can_land_on_it(tmp_path):
    """One analytics query (two for 100 rows); then, all at once, the recordings of as many
    conversations as the page has rows (newest first) and of those still going on where the page
    is then expected to end (to know none of theirs sorts before its last row); owners in one
    users call, annotations and media files with the recordings."""
    async with genesys_sandbox(size=10_000) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        counts = Counts(sandbox.base_url)
        vendor = Vendor(sandbox)
        await gql(client, '{ recordings(filter: {sources: ["gc"]}, first: 1) { nodes { sourceId } } }')  # a token
        for first in (10, 50, 100):
            await counts.reset()
            response = await client.post(
                "/graphql", json={"query": W1, "variables": {"first": first}}, headers={"cache-control": "no-cache"}
            )
            served = await counts.read()
            nodes = response.json()["data"]["recordings"]["nodes"]
            since = moment(nodes[-1]["startTime"]) - timedelta(hours=2)
            assert [n["sourceId"] for n in nodes] == [r["nativeId"] for r in await vendor.recordings(since)][:first]
            assert all(n["owner"]["email"] and n["mediaFiles"] is not None for n in nodes)
            newest = sorted(await vendor.conversations(since), key=lambda c: c["conversationStart"], reverse=True)
            expected_end = moment(newest[first - 1]["conversationStart"])
            read = {c["conversationId"] for c in newest[:first]}
            assert served[CONVERSATION] <= first + in_progress(newest, expected_end, read), (first, served)
            assert served[ANALYTICS] == (1 if first < 88 else 2) and served[USERS] == 1, served
            assert ANNOTATIONS not in served, "annotations come with the recordings"


async def test_the_calls_of_a_page_do_not_depend_on_the_order_answers_come_in(tmp_path):
    """Answers come back in a random order (the sandbox's jitter): the same page costs the same calls
    (identical queries in flight together then share every call)."""
    async with genesys_sandbox(size=10_000, jitter_ms=40) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        await gql(client, '{ recordings(filter: {sources: ["gc"]}, first: 1) { nodes { sourceId } } }')  # a token
        counts = Counts(sandbox.base_url)
        for first in (20, 50):
            seen = []
            for _ in range(5):
                await counts.reset()
                variables = {"first": first}
                response = await client.post(
                    "/graphql", json={"query": W1, "variables": variables}, headers={"cache-control": "no-cache"}
                )
                page = [node["sourceId"] for node in response.json()["data"]["recordings"]["nodes"]]
                seen.append((page, await counts.read()))
            assert all(answer == seen[0] for answer in seen), "the same page, for the same calls"


async def test_the_time_range_is_pushed_down(tmp_path):
    """One analytics query a page; each conversation in the range read once (pages share the response
    cache), plus those still going on at its start."""
    async with genesys_sandbox(size=60) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        vendor = Vendor(sandbox)
        everything = await vendor.recordings()
        newest, oldest = everything[10]["startTime"], everything[40]["startTime"]
        expected = [r["nativeId"] for r in everything if oldest <= r["startTime"] < newest]
        counts = Counts(sandbox.base_url)
        await counts.reset()
        assert await walk(client, 7, {"sources": ["gc"], "startedAfter": oldest, "startedBefore": newest}) == expected
        served = await counts.read()
        conversations = {native_id.split("/")[0] for native_id in expected}
        straddling = in_progress(await vendor.conversations(), moment(oldest), conversations)
        assert served[CONVERSATION] <= len(conversations) + straddling
        assert served[ANALYTICS] == -(-len(expected) // 7)


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
