"""The Bandwidth connector through GraphQL against the Catapult sandbox on real HTTP."""

import asyncio

import httpx

from gateway.ids import GlobalId
from tests.conftest import REDIS_URL
from tests.graphql import codes, gql, walk, without_cursors
from tests.sources.conftest import Counts, gateway_for, running_sandbox, source_config

LIST = """
query($first: Int, $after: String, $filter: RecordingFilter) {
  recordings(filter: $filter, first: $first, after: $after) {
    edges { node { sourceId state startTime format source { kind } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

NUMBERS = """{ recordings(filter: {sources: ["bw"]}, first: 10) { nodes { sourceId callerNumber dialedNumber } } }"""


def bandwidth(sandbox, **options):
    c = sandbox.connection
    return source_config(sandbox, "bw", {k: c[k] for k in ("user_id", "api_token", "api_secret")}, **options)


async def vendor_listing(sandbox) -> list[dict]:
    c = sandbox.connection
    async with httpx.AsyncClient() as http:
        response = await http.get(
            f"{c['base_url']}/v1/users/{c['user_id']}/recordings",
            params={"size": 1000},
            auth=(c["api_token"], c["api_secret"]),
        )
        return response.json()


async def test_paging_returns_every_recording_once_newest_first(tmp_path):
    async with running_sandbox("bandwidth", size=60) as sandbox:
        expected = [r["id"] for r in await vendor_listing(sandbox)]
        async with gateway_for(tmp_path, bandwidth(sandbox, page_size=25)) as client:
            for first in (7, 25, 100):
                assert await walk(client, first, {"sources": ["bw"]}) == expected


async def test_mapping_and_states(tmp_path):
    async with running_sandbox("bandwidth", size=30) as sandbox, gateway_for(tmp_path, bandwidth(sandbox)) as client:
        body = await gql(client, LIST, first=30, filter={"sources": ["bw"]})
        nodes = [e["node"] for e in body["data"]["recordings"]["edges"]]
        raw = {r["id"]: r for r in await vendor_listing(sandbox)}
        states = {"recording": "RECORDING", "saving": "PROCESSING", "complete": "AVAILABLE", "error": "ERROR"}
        for node in nodes:
            assert node["source"] == {"kind": "BANDWIDTH"}
            assert node["state"] == states[raw[node["sourceId"]]["state"]]
            assert node["format"] == ("MP3" if raw[node["sourceId"]]["media"].endswith(".mp3") else "WAV")


async def test_call_numbers_are_batched_per_request_and_cached(tmp_path):
    async with running_sandbox("bandwidth", size=30) as sandbox, gateway_for(tmp_path, bandwidth(sandbox)) as client:
        counts = Counts(sandbox.base_url)
        await counts.reset()
        body = await gql(client, NUMBERS)
        nodes = body["data"]["recordings"]["nodes"]
        assert all(n["callerNumber"] and n["dialedNumber"] for n in nodes)
        served = await counts.read()
        assert served["GET /v1/users/{userId}/recordings"] == 1
        assert served["GET /v1/users/{userId}/calls/{callId}"] == 10
        await counts.reset()
        assert without_cursors(await gql(client, NUMBERS)) == without_cursors(body)
        assert await counts.read() == {}, "a second identical query makes no upstream call"
        fresh = await client.post("/graphql", json={"query": NUMBERS}, headers={"cache-control": "no-cache"})
        assert without_cursors(fresh.json()) == without_cursors(body)
        assert (await counts.read())["GET /v1/users/{userId}/recordings"] == 1


async def test_recording_by_id_and_unknown_id(tmp_path):
    async with running_sandbox("bandwidth", size=5) as sandbox, gateway_for(tmp_path, bandwidth(sandbox)) as client:
        recording_id = (await vendor_listing(sandbox))[0]["id"]
        query = "query($id: ID!) { recording(id: $id) { sourceId callerNumber mediaFiles { format } } }"
        body = await gql(client, query, id=GlobalId("bw", "Recording", recording_id).encode())
        assert body["data"]["recording"]["sourceId"] == recording_id
        missing = await gql(client, query, id=GlobalId("bw", "Recording", "rec-nope").encode())
        assert codes(missing) == ["NOT_FOUND"]


async def test_gateway_filters_what_catapult_cannot(tmp_path):
    async with running_sandbox("bandwidth", size=40) as sandbox, gateway_for(tmp_path, bandwidth(sandbox)) as client:
        everything = await vendor_listing(sandbox)
        middle = sorted(r["startTime"] for r in everything)[20]
        newer = [r["id"] for r in everything if r["startTime"] >= middle]
        assert await walk(client, 7, {"sources": ["bw"], "startedAfter": middle}) == newer
        body = await gql(client, NUMBERS)
        caller = body["data"]["recordings"]["nodes"][3]["callerNumber"]
        matching = await walk(client, 10, {"sources": ["bw"], "callerNumber": caller})
        assert body["data"]["recordings"]["nodes"][3]["sourceId"] in matching


async def test_an_outage_gives_partial_data_naming_the_source(tmp_path, seed_recording):
    async with (
        running_sandbox("bandwidth", size=5) as sandbox,
        gateway_for(tmp_path, bandwidth(sandbox, retries=1, breaker_threshold=100)) as client,
    ):
        await gql(
            client, "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }", r=seed_recording
        )
        await Counts(sandbox.base_url).knobs(outage=True)
        body = await gql(client, LIST, first=10)
        assert [e["node"]["source"]["kind"] for e in body["data"]["recordings"]["edges"]] == ["LOCAL"]
        (error,) = body["errors"]
        assert error["extensions"] == {"code": "SOURCE_UNAVAILABLE", "source": "bw"}


async def test_the_vendor_rate_limit_is_waited_out(tmp_path):
    """Catapult allows one request a second per family; the 429's reset time is honoured."""
    async with (
        running_sandbox("bandwidth", size=5, rate_limits=True) as sandbox,
        gateway_for(tmp_path, bandwidth(sandbox)) as client,
    ):
        first = await gql(client, "{ recordings { nodes { sourceId } } }")
        second = await client.post(
            "/graphql", json={"query": "{ recordings { nodes { sourceId } } }"}, headers={"cache-control": "no-cache"}
        )
        assert "errors" not in first and second.json() == first
        assert (await Counts(sandbox.base_url).read())["GET /v1/users/{userId}/recordings"] == 3


async def test_replicas_share_cached_responses_through_redis(tmp_path):
    async with running_sandbox("bandwidth", size=10) as sandbox:
        counts = Counts(sandbox.base_url)
        config = bandwidth(sandbox, page_size=10)
        async with (
            gateway_for(tmp_path / "a", config, redis_url=REDIS_URL) as one,
            gateway_for(tmp_path / "b", config, redis_url=REDIS_URL) as two,
        ):
            await gql(
                one,
                "{ recordings(first: 5) { nodes { sourceId } } }",
            )
            await counts.reset()
            fresh = await two.post(
                "/graphql",
                json={"query": "{ recordings(first: 5) { nodes { sourceId } } }"},
                headers={"cache-control": "no-cache"},
            )  # refill, then the other replica reads
            assert "errors" not in fresh.json()
            await counts.reset()
            await asyncio.gather(
                gql(one, "{ recordings(first: 5) { nodes { sourceId } } }"),
                gql(two, "{ recordings(first: 5) { nodes { sourceId } } }"),
            )
            assert await counts.read() == {}


async def test_media_streams_through_the_gateway(tmp_path):
    async with running_sandbox("bandwidth", size=10) as sandbox, gateway_for(tmp_path, bandwidth(sandbox)) as client:
        body = await gql(
            client, '{ recordings(filter: {sources: ["bw"], }, first: 10) { nodes { state format media { url } } } }'
        )
        nodes = body["data"]["recordings"]["nodes"]
        node = next(n for n in nodes if n["state"] == "AVAILABLE" and n["format"] == "WAV")
        response = await client.get(node["media"]["url"])
        assert response.status_code == 200 and response.headers["content-type"] == "audio/wav"
        assert response.content[:4] == b"RIFF" and len(response.content) == int(response.headers["content-length"])


async def test_state_changes_are_watched_and_published(tmp_path):
    """Catapult recordings move recording -> saving -> complete on their own; polling reports it."""
    from gateway.cache import MemoryCache
    from gateway.events import EventType, InProcessEvents
    from gateway.sources.registry import SourceDeps, create_source
    from gateway.watch import StateWatcher

    async with running_sandbox("bandwidth", size=10) as sandbox:
        events = InProcessEvents()
        source = create_source(bandwidth(sandbox), SourceDeps(cache=MemoryCache(), ttls={}))
        watcher = StateWatcher([source], events, MemoryCache(), interval_s=0.2)
        try:
            subscription = events.subscribe()
            waiting = asyncio.ensure_future(anext(subscription))
            await watcher.poll_once()  # remembers the current states
            seen = []
            for _ in range(60):  # the sandbox moves in-progress recordings along within seconds
                seen += await watcher.poll_once()
                if seen:
                    break
                await asyncio.sleep(0.2)
            assert seen and all(c.type is EventType.STATE_CHANGED and c.source == "bw" for c in seen)
            assert (await asyncio.wait_for(waiting, 1)) == seen[0]
            await subscription.aclose()
        finally:
            await source.aclose()


async def test_a_slow_source_times_out_and_a_failing_one_trips_its_breaker(tmp_path, seed_recording):
    async with (
        running_sandbox("bandwidth", size=5) as sandbox,
        gateway_for(
            tmp_path, bandwidth(sandbox, timeout_s=0.3, retries=0, breaker_threshold=3, breaker_reset_s=60)
        ) as client,
    ):
        counts = Counts(sandbox.base_url)
        await counts.knobs(latency_ms=1000)
        slow = await client.post("/graphql", json={"query": LIST_ALL}, headers={"cache-control": "no-cache"})
        assert [e["extensions"] for e in slow.json()["errors"]] == [{"code": "SOURCE_TIMEOUT", "source": "bw"}]
        await counts.knobs(latency_ms=0, slow_body_ms=4000)
        trickling = await client.post("/graphql", json={"query": LIST_ALL}, headers={"cache-control": "no-cache"})
        assert [e["extensions"] for e in trickling.json()["errors"]] == [{"code": "SOURCE_TIMEOUT", "source": "bw"}]
        await counts.knobs(slow_body_ms=0, error_rate=1.0)
        failing = await client.post("/graphql", json={"query": LIST_ALL}, headers={"cache-control": "no-cache"})
        assert failing.json()["errors"][0]["extensions"]["code"] == "SOURCE_UNAVAILABLE"
        await counts.reset()
        open_circuit = await client.post("/graphql", json={"query": LIST_ALL}, headers={"cache-control": "no-cache"})
        (error,) = open_circuit.json()["errors"]
        assert error["extensions"] == {"code": "SOURCE_UNAVAILABLE", "source": "bw"}
        assert "circuit open" in error["message"]
        assert await counts.read() == {}, "an open circuit makes no upstream call"


LIST_ALL = "{ recordings(first: 5) { nodes { sourceId } } }"
