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
