"""Paging through all five sources at once returns every recording once, in the merged order.

Each source's own listing (checked against its vendor's data in tests/sources) is the brute
force: the merged listing must equal them sorted together, forward and backward, both ways.
"""

import asyncio
from datetime import datetime

import pytest

from tests.graphql import nodes

SOURCES = ["bandwidth-sandbox", "genesys-cloud-sandbox", "genesys-engage-sandbox", "local", "webex-sandbox"]


def by_start(node: dict) -> tuple[float, str, str]:
    return datetime.fromisoformat(node["startTime"]).timestamp(), node["source"]["id"], node["sourceId"]


def by_duration(node: dict) -> tuple[float, str, str]:
    return node["durationMs"] or 0, node["source"]["id"], node["sourceId"]


async def synced(client, services) -> None:
    """Sync the index once the Bandwidth sandbox's live recordings (done seconds after start) are complete,
    so the index's snapshot and the vendor's listings agree on every duration."""
    live = {"sources": ["bandwidth-sandbox"], "states": ["RECORDING", "PROCESSING"]}
    query = "query($f: RecordingFilter) { recordings(filter: $f, first: 1) { edges { cursor } } }"
    for _ in range(100):
        response = await client.post(
            "/graphql", json={"query": query, "variables": {"f": live}}, headers={"cache-control": "no-cache"}
        )
        if not response.json()["data"]["recordings"]["edges"]:
            await services.index_sync.sync_once()
            return
        await asyncio.sleep(0.2)
    raise AssertionError("the Bandwidth sandbox's live recordings never completed")


async def brute_force(client, key, *, descending: bool, sources: list[str] = SOURCES) -> list[tuple]:
    """Each source listed alone (newest first, its native order), merged by sorting."""
    per_source = [node for source in sources for node in await nodes(client, first=100, filter={"sources": [source]})]
    return sorted((key(node) for node in per_source), reverse=descending)


@pytest.mark.parametrize("five_sources", [15, 120], indirect=True, ids=["small", "large"])
async def test_five_sources_page_as_one(five_sources):
    client, services = five_sources
    newest_first = await brute_force(client, by_start, descending=True)
    assert len({(s, i) for _, s, i in newest_first}) == len(newest_first) > 80
    assert {s for _, s, _ in newest_first} == set(SOURCES)
    for first in (7, 25, 100):
        assert [by_start(n) for n in await nodes(client, first=first)] == newest_first, f"pages of {first}"
    await synced(client, services)  # Bandwidth and Engage list other orders from the index
    for last in (7, 25):
        assert [by_start(n) for n in await nodes(client, last=last)] == newest_first, f"back by {last}"
    ascending = {"field": "START_TIME", "direction": "ASC"}
    for first in (7, 100):
        assert [by_start(n) for n in await nodes(client, first=first, order=ascending)] == newest_first[::-1]
    assert [by_start(n) for n in await nodes(client, last=25, order=ascending)] == newest_first[::-1]


@pytest.mark.parametrize("direction", ["DESC", "ASC"])
async def test_sources_that_list_by_duration_merge_by_duration(five_sources, direction):
    """Genesys Cloud and Webex cannot list by duration (not indexed by default); the others can."""
    client, services = five_sources
    await synced(client, services)
    by_duration_sources = ["bandwidth-sandbox", "genesys-engage-sandbox", "local"]
    expected = await brute_force(client, by_duration, descending=direction == "DESC", sources=by_duration_sources)
    order = {"field": "DURATION", "direction": direction}
    listing = {"sources": by_duration_sources}
    for first in (7, 25):
        assert [by_duration(n) for n in await nodes(client, first=first, filter=listing, order=order)] == expected
    assert [by_duration(n) for n in await nodes(client, last=25, filter=listing, order=order)] == expected
