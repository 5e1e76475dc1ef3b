"""Genesys Cloud sandbox: consult legs and the analytics query's orders and filters (in-process)."""

from __future__ import annotations

from datetime import datetime

import httpx
from starlette.applications import Starlette

from sandboxes.genesys_cloud.data import ConvRecording
from sandboxes.genesys_cloud.store import Store

DETAILS = "/api/v2/analytics/conversations/details/query"
INTERVAL = "2024-05-01T00:00:00.000Z/2024-06-02T00:00:00.000Z"


def store_of(app: Starlette) -> Store:
    store: Store = app.state.genesys
    return store


def consulted(store: Store) -> list[ConvRecording]:
    """A conversation's recordings: the agent's, then the colleague's who joined part-way."""
    return next(
        recs
        for recs in store.by_conversation.values()
        if len(recs) == 2 and recs[1].consulted and recs[0].file_state == "AVAILABLE" and not recs[0].transcode_ms
    )


async def details(client: httpx.AsyncClient, **query) -> list[dict]:
    """Every conversation the query finds, page by page."""
    found: list[dict] = []
    while True:
        paging = {"pageSize": 100, "pageNumber": len(found) // 100 + 1}
        body = (await client.post(DETAILS, json={"interval": INTERVAL, "paging": paging, **query})).json()
        found += body.get("conversations", [])
        if len(found) >= body["totalHits"]:
            return found


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_a_consult_is_a_second_recording_from_when_the_colleague_joined(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    agent, consult = consulted(store_of(app))
    conversation_id = agent.conversation_id
    body = (await client.get(f"/api/v2/conversations/{conversation_id}/recordings", params={"formatId": "WAV"})).json()
    by_id = {r["id"]: r for r in body}
    assert set(by_id) == {agent.id, consult.id}
    assert moment(by_id[agent.id]["startTime"]) < moment(by_id[consult.id]["startTime"])
    assert by_id[agent.id]["endTime"] == by_id[consult.id]["endTime"]
    assert by_id[consult.id]["mediaSubtype"] == "Consult"
    assert by_id[consult.id]["outputDurationMs"] == by_id[agent.id]["outputDurationMs"] - consult.offset_ms
    assert [u["id"] for u in by_id[consult.id]["users"]] == [consult.user.uuid] != [agent.user.uuid]
    (found,) = await details(
        client,
        conversationFilters=[
            {"type": "and", "predicates": [{"dimension": "conversationId", "value": conversation_id}]}
        ],
    )
    users = [p["userId"] for p in found["participants"] if p.get("userId")]
    assert users == [agent.user.uuid, consult.user.uuid]
    theirs = {"type": "or", "predicates": [{"dimension": "userId", "value": consult.user.uuid}]}
    assert conversation_id in {c["conversationId"] for c in await details(client, segmentFilters=[theirs])}


async def test_conversations_come_by_end_or_start_and_filter_by_numbers(client: httpx.AsyncClient) -> None:
    by_start = await details(client)
    assert [c["conversationStart"] for c in by_start] == sorted(c["conversationStart"] for c in by_start)
    by_end = await details(client, orderBy="conversationEnd", order="desc")
    assert [c["conversationEnd"] for c in by_end] == sorted((c["conversationEnd"] for c in by_start), reverse=True)
    ani = by_start[3]["participants"][0]["sessions"][0]["ani"]
    calls = {"type": "or", "predicates": [{"dimension": "ani", "value": ani}]}
    assert {c["conversationId"] for c in await details(client, segmentFilters=[calls])} == {
        c["conversationId"] for c in by_start if c["participants"][0]["sessions"][0]["ani"] == ani
    }
    assert ani.startswith("tel:")
    bare = {"type": "or", "predicates": [{"dimension": "ani", "value": ani.removeprefix("tel:")}]}
    assert await details(client, segmentFilters=[bare]) == [], "numbers are matched as the API writes them"
