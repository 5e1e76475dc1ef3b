"""The Webex connector through GraphQL against the Webex sandbox on real HTTP: search and people."""

import math
from datetime import UTC, datetime, timedelta

import httpx

from gateway.identities import PEOPLE_SOURCE
from gateway.ids import GlobalId
from gateway.sources.webex.mapping import person_id
from tests.graphql import codes, gql, walk, without_cursors
from tests.sources.conftest import Counts, gateway_for, running_sandbox, source_config

LIST = """
query($first: Int, $after: String, $filter: RecordingFilter, $order: RecordingOrder) {
  recordings(filter: $filter, first: $first, after: $after, orderBy: $order) {
    edges { node { sourceId startTime } }
    pageInfo { hasNextPage endCursor }
  }
}"""

LIST_CALLS = "GET /v1/admin/convergedRecordings"
PEOPLE_CALLS = "GET /v1/people"
NOW = datetime.now(UTC)


def webex(sandbox, **options):
    c = sandbox.connection
    return source_config(sandbox, "wx", {"token": c["token"], "admin_token": c["admin_token"]}, **options)


def stamp(moment: datetime) -> str:
    return moment.isoformat()


async def vendor_listing(sandbox, **params) -> list[dict]:
    """Every recording the compliance officer lists, brute force: 30-day windows, every Link followed."""
    c = sandbox.connection
    headers = {"Authorization": f"Bearer {c['token']}"}
    items: list[dict] = []
    async with httpx.AsyncClient(headers=headers) as http:
        end = NOW + timedelta(days=2)
        while end > NOW - timedelta(days=70):
            window = {"from": stamp(end - timedelta(days=30)), "to": stamp(end), "max": 100, **params}
            response = await http.get(f"{c['base_url']}/admin/convergedRecordings", params=window)
            items += response.json()["items"]
            while "next" in response.links:
                response = await http.get(response.links["next"]["url"])
                items += response.json()["items"]
            end -= timedelta(days=30)
    return items


def ordered(items: list[dict], *, descending: bool = True) -> list[str]:
    """Ids in the gateway's order: (createTime, id), newest first by default."""
    keyed = sorted(((datetime.fromisoformat(i["createTime"]), i["id"]) for i in items), reverse=descending)
    return [recording_id for _, recording_id in keyed]


async def test_paging_over_more_than_thirty_days_returns_each_recording_once_in_order(tmp_path):
    async with running_sandbox("webex", size=300) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        everything = await vendor_listing(sandbox)
        created = sorted(datetime.fromisoformat(i["createTime"]) for i in everything)
        assert created[-1] - created[0] > timedelta(days=29)
        span = {
            "sources": ["wx"],
            "startedAfter": stamp(NOW - timedelta(days=45)),
            "startedBefore": stamp(NOW + timedelta(days=1)),
        }
        counts = Counts(sandbox.base_url)
        for first in (7, 25, 100):
            await counts.reset()
            assert await walk(client, first, span) == ordered(everything)
            pages = math.ceil(len(everything) / first)
            calls = (await counts.read())[LIST_CALLS]
            # One call a page (two at first=100: the 100th item's second must be seen complete),
            # plus one per window crossed.
            assert calls <= pages * (2 if first == 100 else 1) + 2, (first, pages, calls)
        ascending = {"field": "START_TIME", "direction": "ASC"}
        for first in (7, 100):
            assert await walk(client, first, span, ascending) == ordered(everything, descending=False)
        # No time range at all: the walk covers Webex's year of retention.
        assert await walk(client, 100, {"sources": ["wx"]}) == ordered(everything)


async def test_ties_in_create_time_page_like_the_merge_orders_them(tmp_path):
    """Webex orders equal createTimes by id ascending; the gateway's merge wants id descending."""
    async with (
        running_sandbox("webex", size=2000) as sandbox,
        gateway_for(tmp_path, webex(sandbox, page_size=1)) as client,
    ):
        everything = await vendor_listing(sandbox)
        times = [i["createTime"] for i in everything]
        tie = datetime.fromisoformat(next(t for t in times if times.count(t) > 1))
        window = [i for i in everything if abs(datetime.fromisoformat(i["createTime"]) - tie) < timedelta(minutes=30)]
        assert len(window) > 2
        span = {
            "sources": ["wx"],
            "startedAfter": stamp(tie - timedelta(minutes=30)),
            "startedBefore": stamp(tie + timedelta(minutes=30)),
        }
        for first in (1, 2, 5):
            assert await walk(client, first, span) == ordered(window)
            assert await walk(client, first, span, {"field": "START_TIME", "direction": "ASC"}) == ordered(
                window, descending=False
            )


async def test_mapping_to_the_unified_model(tmp_path):
    query = """query($filter: RecordingFilter) { recordings(filter: $filter, first: 100) { nodes {
        sourceId kind state title startTime createdAt durationMs sizeBytes format region conversationId
        vendorData owner { id name email } callerNumber dialedNumber
        mediaFiles { id format mimeType startTime endTime durationMs } } } }"""
    async with running_sandbox("webex", size=60) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        raw = {i["id"]: i for i in await vendor_listing(sandbox)}
        body = await gql(client, query, filter={"sources": ["wx"]})
        assert "errors" not in body, body
        nodes = body["data"]["recordings"]["nodes"]
        assert {n["sourceId"] for n in nodes} == set(raw)
        for node in nodes:
            item = raw[node["sourceId"]]
            assert node["kind"] == "CALL" and node["state"] == "AVAILABLE" and node["format"] == "MP3"
            assert node["title"] == item["topic"] and node["vendorData"] == item
            created = datetime.fromisoformat(item["createTime"])
            assert datetime.fromisoformat(node["startTime"]) == created == datetime.fromisoformat(node["createdAt"])
            assert node["durationMs"] == item["durationSeconds"] * 1000 and node["sizeBytes"] == item["sizeBytes"]
            assert node["region"] == item["storageRegion"]
            assert node["conversationId"] == item["serviceData"]["callSessionId"]
            (media,) = node["mediaFiles"]
            assert media["mimeType"] == "audio/mpeg" and media["durationMs"] == node["durationMs"]
            assert datetime.fromisoformat(media["startTime"]) == datetime.fromisoformat(item["timeRecorded"])
            assert node["callerNumber"] and node["dialedNumber"]  # from the metadata document
            if item["ownerType"] == "user":
                assert node["owner"]["email"] == item["ownerEmail"]
                assert GlobalId.decode(node["owner"]["id"]) == GlobalId(PEOPLE_SOURCE, "User", item["ownerEmail"])
            else:  # lines, workspaces and queues are not people
                assert node["owner"] is None


async def test_owners_are_fetched_85_ids_a_call_and_cached(tmp_path):
    # Two pages of 100 in one request share the people loader: more than 85 distinct owners.
    query = """query($older: RecordingFilter, $newer: RecordingFilter) {
      a: recordings(filter: $newer, first: 100) { nodes { sourceId owner { name email } } }
      b: recordings(filter: $older, first: 100) { nodes { sourceId owner { name email } } } }"""
    async with running_sandbox("webex", size=400) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        everything = await vendor_listing(sandbox)
        middle = sorted(i["createTime"] for i in everything)[len(everything) // 2]
        variables = {
            "newer": {"sources": ["wx"], "startedAfter": middle},
            "older": {"sources": ["wx"], "startedBefore": middle},
        }
        counts = Counts(sandbox.base_url)
        await counts.reset()
        body = await gql(client, query, **variables)
        assert "errors" not in body, body
        nodes = body["data"]["a"]["nodes"] + body["data"]["b"]["nodes"]
        assert len(nodes) == 200
        owners = {n["owner"]["email"] for n in nodes if n["owner"]}
        assert len(owners) > 85 and all(n["owner"]["name"] for n in nodes if n["owner"])
        served = await counts.read()
        assert served[PEOPLE_CALLS] == math.ceil(len(owners) / 85) == 2
        assert served[LIST_CALLS] == 4  # two a page of 100: the 100th item's second is seen complete
        await counts.reset()
        assert without_cursors(await gql(client, query, **variables)) == without_cursors(body)
        assert await counts.read() == {}, "a second identical query makes no upstream call"


async def test_people_search_and_user_by_id(tmp_path):
    async with running_sandbox("webex", size=20) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        owner = next(i for i in await vendor_listing(sandbox) if i["ownerType"] == "user")
        query = "query($s: String) { users(search: $s, first: 50) { nodes { id name email identities { source } } } }"
        by_email = (await gql(client, query, s=owner["ownerEmail"]))["data"]["users"]["nodes"]
        assert [u["email"] for u in by_email if u["identities"] == [{"source": "wx"}]] == [owner["ownerEmail"]]
        name = by_email[-1]["name"]
        by_name = (await gql(client, query, s=name.split()[0]))["data"]["users"]["nodes"]
        assert name in {u["name"] for u in by_name}
        user = await gql(
            client,
            "query($id: ID!) { user(id: $id) { email } }",
            id=GlobalId("wx", "User", person_id(owner["ownerId"])).encode(),
        )
        assert user["data"]["user"] == {"email": owner["ownerEmail"]}


async def test_region_is_pushed_down_and_matches_gateway_filtering(tmp_path):
    async with running_sandbox("webex", size=120) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        everything = await vendor_listing(sandbox)
        for region in ("GB", "US"):
            expected = ordered([i for i in everything if i["storageRegion"] == region])
            assert expected and await walk(client, 25, {"sources": ["wx"], "region": region}) == expected
        counts = Counts(sandbox.base_url)
        await counts.reset()
        assert await walk(client, 25, {"sources": ["wx"], "region": "eu-central"}) == []
        assert await counts.read() == {}, "no Webex storage region: nothing to ask"


async def test_sorting_by_duration_is_reported_unsupported(tmp_path):
    async with running_sandbox("webex", size=5) as sandbox, gateway_for(tmp_path, webex(sandbox)) as client:
        body = await gql(client, LIST, first=5, filter={"sources": ["wx"]}, order={"field": "DURATION"})
        assert body["data"]["recordings"]["edges"] == []
        assert [e["extensions"] for e in body["errors"]] == [{"code": "UNSUPPORTED"}]


async def test_faults_give_partial_data_naming_the_source(tmp_path, seed_recording):
    async with (
        running_sandbox("webex", size=10) as sandbox,
        gateway_for(tmp_path, webex(sandbox, retries=1, breaker_threshold=100)) as client,
    ):
        await gql(
            client, "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }", r=seed_recording
        )
        counts = Counts(sandbox.base_url)
        for knobs, code in (
            ({"outage": True}, "SOURCE_UNAVAILABLE"),
            ({"error_rate": 1.0}, "SOURCE_UNAVAILABLE"),
            ({"throttle_rate": 1.0, "retry_after_s": 0.1}, "SOURCE_RATE_LIMITED"),
        ):
            await counts.knobs(**{"outage": False, "error_rate": 0.0, "throttle_rate": 0.0, **knobs})
            query = "{ recordings(first: 10) { nodes { source { id } } } }"
            response = await client.post("/graphql", json={"query": query}, headers={"cache-control": "no-cache"})
            body = response.json()
            assert [n["source"]["id"] for n in body["data"]["recordings"]["nodes"]] == ["local"], knobs
            assert [e["extensions"] for e in body["errors"]] == [{"code": code, "source": "wx"}], knobs
            assert sandbox.connection["token"] not in response.text


async def test_a_refused_token_is_an_auth_error_without_the_token(tmp_path):
    async with running_sandbox("webex", size=5) as sandbox:
        config = source_config(sandbox, "wx", {"token": sandbox.connection["expired_token"]})
        async with gateway_for(tmp_path, config) as client:
            response = await client.post("/graphql", json={"query": "{ recordings { nodes { sourceId } } }"})
            body = response.json()
            assert [e["extensions"] for e in body["errors"]] == [{"code": "SOURCE_AUTH_FAILED", "source": "wx"}]
            assert "wx" in body["errors"][0]["message"]
            assert sandbox.connection["expired_token"] not in response.text
            assert codes(await gql(client, '{ webex(source: "wx") { recording(id: "x") { id } } }')) == [
                "SOURCE_AUTH_FAILED"
            ]


async def test_the_vendor_rate_limit_is_waited_out(tmp_path):
    async with (
        running_sandbox("webex", size=5, rate_limits=True) as sandbox,
        gateway_for(tmp_path, webex(sandbox)) as client,
    ):
        counts = Counts(sandbox.base_url)
        await counts.knobs(rate_limit={"limit": 1, "period_s": 1.0})
        # Within one 30-day window: one list call a query.
        query = "query($f: RecordingFilter) { recordings(filter: $f) { nodes { sourceId } } }"
        window = {
            "sources": ["wx"],
            "startedAfter": stamp(NOW - timedelta(days=28)),
            "startedBefore": stamp(NOW + timedelta(days=1)),
        }
        first = await gql(client, query, f=window)
        second = await client.post(
            "/graphql", json={"query": query, "variables": {"f": window}}, headers={"cache-control": "no-cache"}
        )
        assert "errors" not in first and second.json() == first
        assert (await counts.read())[LIST_CALLS] == 3  # the second call was refused once, then waited out
