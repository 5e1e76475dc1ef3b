"""One deadline per request: every upstream call obeys it, and a slow source times out on its own.

The deadline's helpers alone, then an `Upstream` against the Bandwidth sandbox, then the gateway
over Bandwidth (the slow one, by its `latency_ms` or `slow_body_ms` knob), Webex and the local
store with a 1 s request timeout. Assertions are on codes and request counts, never on durations.
"""

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.datastructures import Secret
from websockets.asyncio.client import connect

from gateway.app import create_app
from gateway.cache import MemoryCache
from gateway.config import Settings
from gateway.deadline import bounded, cutoff, remaining, request_deadline
from gateway.errors import SourceRateLimited, SourceTimeout, SourceUnavailable
from gateway.sources.registry import SourceDeps, create_source
from gateway.sources.upstream import Retry
from sandboxes.serving import serve_in_thread
from tests.graphql import gql
from tests.resolvers.test_recordings import ingest
from tests.sources.conftest import Counts, gateway_for, running_sandbox
from tests.sources.test_bandwidth import bandwidth
from tests.sources.test_webex import webex

TIMED_OUT_BW = [{"code": "SOURCE_TIMEOUT", "source": "bw"}]
FRESH = {"cache-control": "no-cache"}

LISTING = """
query($after: String) {
  recordings(first: 100, after: $after) {
    nodes { id sourceId source { id } }
    pageInfo { hasNextPage endCursor }
  }
}"""


# -- the deadline itself --------------------------------------------------------------------


async def test_a_deadline_is_never_extended():
    assert remaining() == float("inf"), "outside a request there is none"
    with request_deadline(1.0) as first:
        assert 0 < remaining() <= 1.0
        with request_deadline(60.0) as nested:
            assert nested == first, "a longer budget keeps the earlier deadline"
        with request_deadline(0.5) as shorter:
            assert shorter.at < first.at
        assert remaining() <= 1.0
    assert remaining() == float("inf")


async def test_a_part_cut_by_the_deadline_is_a_timeout_of_its_source():
    never = asyncio.Event()
    with request_deadline(0.2), pytest.raises(SourceTimeout) as cut:
        async with bounded("slow"):
            await never.wait()
    assert cut.value.source == "slow" and cut.value.code == "SOURCE_TIMEOUT"


async def test_nothing_starts_once_the_deadline_has_passed():
    started = []
    with request_deadline(0.0):
        with pytest.raises(SourceTimeout):
            async with bounded("late"):
                started.append("part")
        with pytest.raises(SourceTimeout):
            cutoff("late")
    assert started == []


async def test_other_failures_pass_a_bound_unchanged():
    with request_deadline(5.0):
        with pytest.raises(SourceUnavailable):
            async with bounded("s"):
                raise SourceUnavailable("s", "down")
        with pytest.raises(TimeoutError):  # an inner timeout of its own is not the deadline
            async with bounded("s"), asyncio.timeout(0):
                await asyncio.Event().wait()


def test_a_retry_waits_only_when_the_time_left_covers_it():
    retry = Retry(retries=2, max_wait_s=5)
    limited = SourceRateLimited("s", "429", retry_after_s=1.5)
    assert retry.delay(limited, 1, time_left_s=2.0) == 1.5
    assert retry.delay(limited, 1, time_left_s=1.0) is None, "the wait would outlast the deadline"
    assert retry.delay(SourceTimeout("s", "t"), 1, time_left_s=0.0) is None


# -- one upstream ---------------------------------------------------------------------------


async def test_a_retry_the_deadline_cannot_cover_is_not_started():
    async with running_sandbox("bandwidth", size=5) as sandbox:
        counts = Counts(sandbox.base_url)
        source = create_source(bandwidth(sandbox, retries=1), SourceDeps(cache=MemoryCache(), ttls={}))
        try:
            await counts.knobs(throttle_rate=1.0, retry_after_s=0.6)
            with request_deadline(0.3), pytest.raises(SourceRateLimited):
                await source.probe()
            assert sum((await counts.read()).values()) == 1, "no retry after a 0.6 s wait with 0.3 s left"
            await counts.reset()
            with request_deadline(5.0), pytest.raises(SourceRateLimited):
                await source.probe()
            assert sum((await counts.read()).values()) == 2, "with time to spare, the one retry is made"
        finally:
            await source.aclose()


async def test_a_trickling_body_is_cut_at_the_deadline_though_each_chunk_is_quick():
    async with running_sandbox("bandwidth", size=5) as sandbox:
        counts = Counts(sandbox.base_url)
        source = create_source(bandwidth(sandbox, timeout_s=10, retries=2), SourceDeps(cache=MemoryCache(), ttls={}))
        try:
            await counts.knobs(slow_body_ms=4000)  # 8 chunks 0.5 s apart: no read timeout of 10 s fires
            with request_deadline(1.0), pytest.raises(SourceTimeout):
                await source.probe()
            assert sum((await counts.read()).values()) == 1, "and no retry is started past the deadline"
        finally:
            await source.aclose()


# -- the gateway over a slow source and two others -------------------------------------------


@pytest.fixture
async def three_sources(tmp_path, seed_recording) -> AsyncIterator[tuple[httpx.AsyncClient, Counts, dict[str, Any]]]:
    """Bandwidth, Webex and the local store behind a gateway with a 1 s deadline.

    Yields the client, Bandwidth's counters and knobs, and the healthy listing read once first.
    """
    async with (
        running_sandbox("bandwidth", size=5) as bw,
        running_sandbox("webex", size=10) as wx,
        gateway_for(tmp_path, bandwidth(bw), webex(wx), request_timeout_s=1.0) as client,
    ):
        await ingest(client, seed_recording)
        healthy = await fresh(client, LISTING)
        assert "errors" not in healthy, healthy
        page = healthy["data"]["recordings"]
        assert {n["source"]["id"] for n in page["nodes"]} == {"bw", "wx", "local"}
        assert not page["pageInfo"]["hasNextPage"]
        counts = Counts(bw.base_url)
        await counts.reset()
        yield client, counts, page


async def fresh(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    """POST `query` asking for fresh data; the HTTP layer must answer 200 whatever the sources do."""
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=FRESH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def extensions(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [error["extensions"] for error in body.get("errors", [])]


def of(page: dict[str, Any], source: str) -> list[str]:
    return [n["sourceId"] for n in page["nodes"] if n["source"]["id"] == source]


@pytest.mark.parametrize("slowness", [{"latency_ms": 3000}, {"slow_body_ms": 4000}], ids=["latency", "slow-body"])
async def test_a_slow_source_times_out_alone_and_its_page_resumes_later(three_sources, slowness):
    client, counts, healthy = three_sources
    await counts.knobs(**slowness)
    body = await fresh(client, LISTING)
    assert extensions(body) == TIMED_OUT_BW
    page = body["data"]["recordings"]
    assert {n["source"]["id"] for n in page["nodes"]} == {"wx", "local"}
    assert of(page, "wx") == of(healthy, "wx") and of(page, "local") == of(healthy, "local")
    assert sum((await counts.read()).values()) == 1, "one listing call, no retry past the deadline"
    assert page["pageInfo"]["hasNextPage"], "the timed-out source's position is kept"

    await counts.knobs(latency_ms=0, slow_body_ms=0)
    rest = await fresh(client, LISTING, after=page["pageInfo"]["endCursor"])
    assert "errors" not in rest, rest
    assert of(rest["data"]["recordings"], "bw") == of(healthy, "bw") and len(rest["data"]["recordings"]["nodes"]) == 5
    assert not rest["data"]["recordings"]["pageInfo"]["hasNextPage"]


SCAN = """
query($filter: RecordingFilter, $after: String) {
  recordings(filter: $filter, first: 5, after: $after) {
    nodes { sourceId callerNumber }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def scanned_pages(client: httpx.AsyncClient, filter: dict[str, Any]) -> list[list[str]]:
    """Every page of the listing, each the ids on it; none may carry an error."""
    pages: list[list[str]] = []
    cursor = None
    while len(pages) < 50:
        body = await fresh(client, SCAN, filter=filter, after=cursor)
        assert "errors" not in body, body
        listing = body["data"]["recordings"]
        pages.append([n["sourceId"] for n in listing["nodes"]])
        if not listing["pageInfo"]["hasNextPage"]:
            return pages
        cursor = listing["pageInfo"]["endCursor"]
    raise AssertionError("the scan never finished")


async def test_a_scan_the_deadline_stops_keeps_what_it_found_and_resumes(tmp_path):
    """Bandwidth filters nothing: matching a caller number scans its pages (and their calls) here."""
    async with (
        running_sandbox("bandwidth", size=40) as sandbox,
        gateway_for(tmp_path, bandwidth(sandbox, page_size=10), request_timeout_s=3.0) as client,
    ):
        first_page = (await fresh(client, SCAN.replace("first: 5", "first: 10"), filter={"sources": ["bw"]}))["data"]
        wanted = {"sources": ["bw"], "callerNumber": first_page["recordings"]["nodes"][-1]["callerNumber"]}
        healthy = await scanned_pages(client, wanted)
        await Counts(sandbox.base_url).knobs(latency_ms=300)  # a page and its calls: 0.6 s of the 3 s
        slow = await scanned_pages(client, wanted)
        assert list(itertools.chain(*slow)) == list(itertools.chain(*healthy)), "the same matches, in order, once each"
        assert len(slow) > len(healthy), "the deadline ended scans early, and each page resumed the last"


async def test_a_recording_of_a_slow_source_times_out_and_others_by_id_still_answer(three_sources):
    client, counts, healthy = three_sources
    by_source = {n["source"]["id"]: n["id"] for n in healthy["nodes"]}
    await counts.knobs(latency_ms=3000)
    for field in ("recording", "node"):
        body = await fresh(client, f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}", id=by_source["bw"])
        assert body["data"] is None and extensions(body) == TIMED_OUT_BW, field
    several = await fresh(
        client, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=[by_source["bw"], by_source["wx"]]
    )
    assert several["data"]["nodes"] == [None, {"id": by_source["wx"]}]
    assert extensions(several) == TIMED_OUT_BW
    assert await counts.read() == {"GET /v1/users/{userId}/recordings/{recordingId}": 3}, "one call each, no retry"


PEOPLE = "{ users(first: 50) { nodes { identities { source } } } }"
PERSON = "query($id: ID!) { user(id: $id) { identities { source } } }"


async def test_people_and_identities_answer_without_a_slow_directory(tmp_path, seed_recording):
    async with (
        running_sandbox("webex", size=10) as wx,
        gateway_for(tmp_path, webex(wx), request_timeout_s=1.0) as client,
    ):
        await ingest(client, seed_recording)
        people = (await fresh(client, "{ users(first: 50) { nodes { id identities { source } } } }"))["data"]
        local = next(p for p in people["users"]["nodes"] if [i["source"] for i in p["identities"]] == ["local"])
        await Counts(wx.base_url).knobs(latency_ms=3000)
        body = await fresh(client, PEOPLE)
        assert extensions(body) == [{"code": "SOURCE_TIMEOUT", "source": "wx"}]
        assert {i["source"] for p in body["data"]["users"]["nodes"] for i in p["identities"]} == {"local"}
        person = await fresh(client, PERSON, id=local["id"])
        assert person["data"]["user"]["identities"] == [{"source": "local"}]
        assert extensions(person) == [{"code": "SOURCE_TIMEOUT", "source": "wx"}]


MEDIA = '{ recordings(filter: {sources: ["wx"]}, first: 10) { nodes { state media { url } } } }'


async def test_a_media_download_has_the_deadline_until_headers_only(tmp_path):
    async with (
        running_sandbox("webex", size=10) as sandbox,
        gateway_for(tmp_path, webex(sandbox), request_timeout_s=1.0) as client,
    ):
        nodes = (await gql(client, MEDIA))["data"]["recordings"]["nodes"]
        url = next(n for n in nodes if n["state"] == "AVAILABLE")["media"]["url"]
        start = await client.get(url, headers={"range": "bytes=0-4095"})  # also caches the recording's details
        assert start.status_code == 206
        counts = Counts(sandbox.base_url)
        await counts.reset()
        await counts.knobs(slow_body_ms=2000)  # the body takes twice the deadline, each chunk far less
        trickled = await client.get(url, headers={"range": "bytes=0-4095"})
        assert trickled.status_code == 206 and trickled.content == start.content
        assert await counts.read() == {"GET /nbr/MultiThreadDownloadServlet": 1}, "the details came from the cache"
        await counts.knobs(slow_body_ms=0, latency_ms=3000)  # no headers within the deadline
        late = await client.get(url)
        assert late.status_code == 504 and late.json()["code"] == "SOURCE_TIMEOUT"


async def test_each_operation_over_a_websocket_gets_a_deadline_of_its_own(tmp_path):
    """The deadline starts with each operation, not with the connection.

    (A websocket result carries no partial errors yet, so the cut shows as a listing without Bandwidth's.)
    """
    query = '{ recordings(filter: {sources: ["bw"]}, first: 5) { nodes { id } } }'
    async with running_sandbox("bandwidth", size=5) as sandbox:
        counts = Counts(sandbox.base_url)
        settings = Settings(
            data_dir=tmp_path, cursor_secret=Secret("test"), sources=(bandwidth(sandbox),), request_timeout_s=1.0
        )
        with serve_in_thread(create_app(settings)) as base_url:
            ws_url = base_url.replace("http", "ws") + "/graphql"
            async with connect(ws_url, subprotocols=["graphql-transport-ws"], additional_headers=FRESH) as ws:
                await ws.send(json.dumps({"type": "connection_init"}))
                assert json.loads(await ws.recv())["type"] == "connection_ack"

                async def listed(operation: str) -> list[dict[str, Any]]:
                    await ws.send(json.dumps({"id": operation, "type": "subscribe", "payload": {"query": query}}))
                    result = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    assert json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] == "complete"
                    nodes: list[dict[str, Any]] = result["payload"]["data"]["recordings"]["nodes"]
                    return nodes

                await counts.knobs(latency_ms=3000)
                assert await listed("slow") == [], "cut at the operation's deadline"
                await counts.knobs(latency_ms=0)
                assert len(await listed("later")) == 5, "a later operation on the connection has time again"
