"""Genesys Cloud filters the analytics query applies: conversation id, exact numbers and owners."""

import fnmatch

from gateway.ids import GlobalId
from tests.graphql import gql, walk
from tests.sources.conftest import Counts, gateway_for
from tests.sources.test_genesys_cloud import ANALYTICS, CONVERSATION, Vendor, genesys, genesys_sandbox, moment

LIST = """query($filter: RecordingFilter) {
  recordings(filter: $filter, first: 100) { nodes { sourceId } pageInfo { hasNextPage } } }"""


def numbers(conversation: dict) -> tuple[str | None, str | None]:
    """Caller and dialed number of an analytics conversation, as the connector reads them."""
    for participant in conversation["participants"]:
        for session in participant["sessions"]:
            if session.get("ani") or session.get("dnis"):
                return session["ani"].removeprefix("tel:"), session["dnis"].removeprefix("tel:")
    return None, None


def agents(conversation: dict) -> list[str]:
    return [p["userId"] for p in conversation["participants"] if p.get("userId")]


FRESH = {"cache-control": "no-cache"}  # past the gateway's caches: count every vendor call


async def with_token(client) -> None:
    """Have the gateway fetch its access token (then counts hold only the calls of a query)."""
    assert "errors" not in await gql(client, '{ recordings(filter: {sources: ["gc"]}, first: 1) { nodes { id } } }')


async def listed(client, **filter) -> list[str]:
    variables = {"filter": {"sources": ["gc"], **filter}}
    response = await client.post("/graphql", json={"query": LIST, "variables": variables}, headers=FRESH)
    body = response.json()
    assert "errors" not in body, body
    assert not body["data"]["recordings"]["pageInfo"]["hasNextPage"]
    return [n["sourceId"] for n in body["data"]["recordings"]["nodes"]]


async def test_a_conversation_id_costs_one_query_and_one_read(tmp_path):
    async with genesys_sandbox(size=2000) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        vendor = Vendor(sandbox)
        consulted = next(c for c in await vendor.conversations() if len(agents(c)) > 1)
        cid = consulted["conversationId"]
        await with_token(client)
        counts = Counts(sandbox.base_url)
        await counts.reset()
        found = await listed(client, conversationId=cid)
        assert await counts.read() == {ANALYTICS: 1, CONVERSATION: 1}
        since = moment(consulted["conversationStart"])
        expected = [r["nativeId"] for r in await vendor.recordings(since) if r["conversationId"] == cid]
        assert found == expected and len(found) == 2, "the consult's recording too, in start order"
        await counts.reset()
        assert await listed(client, conversationId="no-such-conversation") == []
        assert await counts.read() == {ANALYTICS: 1}


async def test_exact_numbers_are_pushed_down_and_patterns_applied_by_the_gateway(tmp_path):
    async with genesys_sandbox(size=300) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        vendor = Vendor(sandbox)
        conversations = await vendor.conversations()
        called = {c["conversationId"]: numbers(c) for c in conversations}
        everything = await vendor.recordings()
        caller, dialed = called[next(c["conversationId"] for c in conversations if len(agents(c)) > 1)]
        await with_token(client)
        counts = Counts(sandbox.base_url)
        for filter, wanted in (
            ({"callerNumber": caller}, lambda n: n[0] == caller),
            ({"dialedNumber": dialed}, lambda n: n[1] == dialed),
            ({"callerNumber": caller, "dialedNumber": dialed}, lambda n: n == (caller, dialed)),
            ({"callerNumber": f"tel:{caller}"}, lambda n: False),
        ):
            await counts.reset()
            expected = [r["nativeId"] for r in everything if wanted(called[r["conversationId"]])]
            assert await listed(client, **filter) == expected, filter
            served = await counts.read()
            matching = {r["conversationId"] for r in everything if wanted(called[r["conversationId"]])}
            assert served == {ANALYTICS: 1, CONVERSATION: len(matching)} or (not matching and served == {ANALYTICS: 1})
        pattern = "+1415555*"
        expected = [r["nativeId"] for r in everything if fnmatch.fnmatchcase(called[r["conversationId"]][0], pattern)]
        assert expected and await walk(client, 100, {"sources": ["gc"], "callerNumber": pattern}) == expected


async def test_owners_are_pushed_down_and_checked_per_recording(tmp_path):
    """A conversation's users include the colleague consulted, whose recording only is theirs."""
    async with genesys_sandbox(size=300) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        vendor = Vendor(sandbox)
        consult = next(c for c in await vendor.conversations() if len(set(agents(c))) > 1)
        user = agents(consult)[-1]
        everything = await vendor.recordings()
        owners = {r["nativeId"]: r["users"][0]["id"] for r in everything}
        in_consult = [owners[r["nativeId"]] for r in everything if r["conversationId"] == consult["conversationId"]]
        assert in_consult.count(user) == 1
        expected = [r["nativeId"] for r in everything if owners[r["nativeId"]] == user]
        theirs = {"type": "or", "predicates": [{"dimension": "userId", "value": user}]}
        with_them = await vendor.conversations(segmentFilters=[theirs])
        await with_token(client)
        counts = Counts(sandbox.base_url)
        await counts.reset()
        owner = GlobalId("gc", "User", user).encode()
        assert await listed(client, owner=owner) == expected
        served = await counts.read()
        assert served[ANALYTICS] == 1 and served[CONVERSATION] == len(with_them) < len(everything) / 10
        body = await gql(client, "query($id: ID!) { user(id: $id) { email } }", id=owner)
        assert await listed(client, ownerEmail=body["data"]["user"]["email"].upper()) == expected
        await counts.reset()
        assert await listed(client, ownerEmail="nobody@example.com") == []
        assert ANALYTICS not in await counts.read(), "no user has that email: nothing to ask"
