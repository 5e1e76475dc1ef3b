"""People across sources: identities joined by email, their recordings everywhere, and people search.

The Genesys Cloud, Webex and Engage sandboxes share one roster (same people, same emails) and one
call in ten (same agent), so some people own recordings in every vendor; the local store gets
recordings of one of them under an upper-cased email.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from gateway.identities import PEOPLE_SOURCE
from gateway.ids import GlobalId
from gateway.models import UserRef
from gateway.query import Capability, RecordingFilter, RecordingSearch
from gateway.sources.webex.source import WebexSource
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.runner import start_sandboxes, stop_sandboxes
from tests.graphql import codes, gql
from tests.resolvers.test_recordings import ingest
from tests.sources.conftest import Counts, gateway_for
from tests.sources.test_genesys_cloud import USERS, genesys
from tests.sources.test_genesys_engage import engage
from tests.sources.test_webex import PEOPLE_CALLS, webex
from tests.store.test_recording_store import make_recording

SOURCES = ("gc", "wx", "engage", "local")

OWNED = """
query($first: Int, $after: String, $filter: RecordingFilter) {
  recordings(filter: $filter, first: $first, after: $after) {
    edges { node { sourceId startTime source { id } owner { id } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

PERSON_RECORDINGS = """
query($id: ID!, $first: Int, $after: String, $filter: RecordingFilter) {
  user(id: $id) {
    recordings(filter: $filter, first: $first, after: $after) {
      edges { node { sourceId startTime source { id } owner { id } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""

PERSON = """
query($id: ID!) { user(id: $id) { id email identities { id source sourceId email } } }"""

PEOPLE = """
query($search: String, $first: Int, $after: String) {
  users(search: $search, first: $first, after: $after) {
    edges { node { id email identities { source sourceId } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


class World:
    """A gateway over the Genesys Cloud, Webex and Engage sandboxes and the local store."""

    def __init__(self, client: httpx.AsyncClient, webex_url: str, genesys_url: str) -> None:
        self.client = client
        self.webex = Counts(webex_url)
        self.genesys = Counts(genesys_url)

    async def walk(self, query: str, path: list[str], first: int, **variables: Any) -> list[dict[str, Any]]:
        """Every node of the connection at `path`, page by page."""
        nodes, after = [], None
        while True:
            body = await gql(self.client, query, first=first, after=after, **variables)
            assert "errors" not in body, body
            connection = body["data"]
            for name in path:
                connection = connection[name]
            nodes += [edge["node"] for edge in connection["edges"]]
            if not connection["pageInfo"]["hasNextPage"]:
                return nodes
            after = connection["pageInfo"]["endCursor"]

    async def owned(self) -> dict[str, list[dict[str, Any]]]:
        """Every recording with an owner, per owner id, source by source."""
        found: dict[str, list[dict[str, Any]]] = {}
        for source in SOURCES:
            for node in await self.walk(OWNED, ["recordings"], 100, filter={"sources": [source]}):
                if node["owner"]:
                    found.setdefault(node["owner"]["id"], []).append(node)
        return found


@asynccontextmanager
async def world(tmp_path: Path) -> AsyncIterator[World]:
    config = SandboxConfig(seed=7, size=60, knobs=Knobs(rate_limits=False))
    sandboxes = await start_sandboxes(["genesys_cloud", "webex", "genesys_engage"], config)
    gc, wx, en = sandboxes
    try:
        async with gateway_for(
            tmp_path, genesys(gc), webex(wx, retries=0, breaker_threshold=100), engage(en)
        ) as client:
            yield World(client, wx.base_url, gc.base_url)
    finally:
        await stop_sandboxes(sandboxes)


def person(email: str) -> str:
    return GlobalId(PEOPLE_SOURCE, "User", email.casefold()).encode()


def ordered(nodes: list[dict[str, Any]]) -> list[tuple[float, str, str]]:
    """The merged order of `recordings`: newest first, then by source and id."""
    keys = [(datetime.fromisoformat(n["startTime"]).timestamp(), n["source"]["id"], n["sourceId"]) for n in nodes]
    return sorted(keys, reverse=True)


async def shared_person(w: World, owned: dict[str, list[dict[str, Any]]]) -> str:
    """The email of a person owning recordings in every vendor; local recordings are added."""
    email = next(
        GlobalId.decode(owner).native_id
        for owner, nodes in sorted(owned.items())
        if {"gc", "wx", "engage"} <= {n["source"]["id"] for n in nodes}
    )
    for index in range(3):
        await ingest(w.client, make_recording(index, agent=(email.upper(), "Local", "Agent")))
    return email


async def test_a_person_is_one_user_with_every_identity(tmp_path):
    async with world(tmp_path) as w:
        email = await shared_person(w, await w.owned())
        body = await gql(w.client, PERSON, id=person(email))
        user = body["data"]["user"]
        assert "errors" not in body and user["id"] == person(email) and user["email"].casefold() == email
        assert {i["source"] for i in user["identities"]} == set(SOURCES)
        assert {i["email"].casefold() for i in user["identities"]} == {email}
        local = next(i for i in user["identities"] if i["source"] == "local")
        assert local["sourceId"] == email.upper(), "joined by email case-insensitively"
        for identity in user["identities"]:  # any identity stands for the person
            assert GlobalId.decode(identity["id"]).source == identity["source"]
            by_identity = await gql(w.client, PERSON, id=identity["id"])
            assert by_identity["data"]["user"]["id"] == person(email)
            assert {i["id"] for i in by_identity["data"]["user"]["identities"]} == {i["id"] for i in user["identities"]}
            node = await gql(w.client, "query($id: ID!) { node(id: $id) { id } }", id=identity["id"])
            assert node["data"]["node"]["id"] == person(email)
        entities = await gql(
            w.client,
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } } }",
            r=[{"__typename": "User", "id": person(email)}],
        )
        assert entities["data"]["_entities"] == [{"id": person(email), "email": user["email"]}]
        gone = await gql(w.client, PERSON, id=person("nobody@nowhere.example"))
        assert codes(gone) == ["NOT_FOUND"], "no source knows the email (Engage: no recording names them)"


async def test_user_recordings_are_the_persons_recordings_in_every_source(tmp_path):
    async with world(tmp_path) as w:
        owned = await w.owned()
        email = await shared_person(w, owned)
        owned = await w.owned()
        brute_force = ordered(owned[person(email)])
        assert {source for _, source, _ in brute_force} == set(SOURCES)
        for first in (1, 4, 100):
            listed = await w.walk(PERSON_RECORDINGS, ["user", "recordings"], first, id=person(email))
            assert [(n["source"]["id"], n["sourceId"]) for n in listed] == [(s, i) for _, s, i in brute_force]
        body = await gql(w.client, PERSON, id=person(email))
        gc_id = next(i["id"] for i in body["data"]["user"]["identities"] if i["source"] == "gc")
        for owner in (person(email), gc_id):  # the owner filter takes a person or one of their identities
            filtered = await w.walk(OWNED, ["recordings"], 7, filter={"owner": owner})
            assert [(n["source"]["id"], n["sourceId"]) for n in filtered] == [(s, i) for _, s, i in brute_force]
        shouted = await w.walk(OWNED, ["recordings"], 9, filter={"ownerEmail": email.upper()})
        assert [(n["source"]["id"], n["sourceId"]) for n in shouted] == [(s, i) for _, s, i in brute_force], (
            "Webex's ownerEmail and the gateway's own email check agree"
        )
        only_webex = await w.walk(
            PERSON_RECORDINGS, ["user", "recordings"], 5, id=gc_id, filter={"sources": ["wx"], "owner": gc_id}
        )
        assert [(n["source"]["id"], n["sourceId"]) for n in only_webex] == [
            (s, i) for _, s, i in brute_force if s == "wx"
        ]
        other = next(owner for owner in owned if owner != person(email))
        assert await w.walk(PERSON_RECORDINGS, ["user", "recordings"], 5, id=gc_id, filter={"owner": other}) == []


async def test_people_search_lists_each_person_once_across_page_sizes(tmp_path):
    async with world(tmp_path) as w:
        email = await shared_person(w, await w.owned())
        first_name = email.split(".")[0]
        everyone = await w.walk(PEOPLE, ["users"], 100, search=first_name)
        ids = [u["id"] for u in everyone]
        assert len(ids) == len(set(ids)) > 1
        assert [u["email"].casefold() for u in everyone] == sorted(u["email"].casefold() for u in everyone)
        found = next(u for u in everyone if u["id"] == person(email))
        assert {i["source"] for i in found["identities"]} == set(SOURCES)
        sources_per_person = [{i["source"] for i in u["identities"]} for u in everyone]
        assert any({"gc", "wx"} <= sources for sources in sources_per_person), "people found in two sources, once"
        for first in (1, 2, 3, 7):
            assert await w.walk(PEOPLE, ["users"], first, search=first_name) == everyone, f"pages of {first}"


async def test_owners_cost_no_lookup_and_a_failing_source_is_partial(tmp_path):
    async with world(tmp_path) as w:
        for counts in (w.genesys, w.webex):
            await counts.reset()
        page = (
            "query($s: [String!]) { recordings(filter: {sources: $s}, first: 25) "
            "{ nodes { owner { id name email } } } }"
        )
        body = await gql(w.client, page, s=["gc"])
        assert "errors" not in body and all(n["owner"]["id"] for n in body["data"]["recordings"]["nodes"])
        assert (await w.genesys.read())[USERS] == 1, "one users call for the page's owners, as before"
        assert await w.webex.read() == {}, "no look-up by email in other sources"
        body = await gql(w.client, page, s=["wx"])
        assert "errors" not in body
        assert (await w.webex.read())[PEOPLE_CALLS] == 1, "one people call for the page's owners, as before"

        owner = next(n["owner"] for n in body["data"]["recordings"]["nodes"] if n["owner"])
        await w.webex.knobs(outage=True)
        broken = await gql(w.client, PERSON, id=owner["id"])
        sources = {i["source"] for i in broken["data"]["user"]["identities"]}
        assert sources and "wx" not in sources, "the other sources still answer"
        assert [(e["extensions"]["code"], e["extensions"]["source"]) for e in broken["errors"]] == [
            ("SOURCE_UNAVAILABLE", "wx")
        ]
        await w.webex.knobs(outage=False)
        fixed = await gql(w.client, PERSON, id=owner["id"])
        assert "errors" not in fixed
        assert {i["source"] for i in fixed["data"]["user"]["identities"]} == sources | {"wx"}


def test_webex_pushes_down_one_owner_at_a_time():
    source = WebexSource("wx", upstream=None)  # type: ignore[arg-type]
    one = RecordingSearch(RecordingFilter(owners=(UserRef("wx", "a"), UserRef("gc", "b"))))
    two = RecordingSearch(RecordingFilter(owners=(UserRef("wx", "a"), UserRef("wx", "b"))))
    assert Capability.FILTER_OWNER in source.pushdown(one)
    assert Capability.FILTER_OWNER not in source.pushdown(two), "several Webex owners: the gateway filters"
