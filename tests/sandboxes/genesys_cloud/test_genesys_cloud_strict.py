"""Genesys Cloud sandbox answers as the API does: the screen-session count, and media sizes."""

from __future__ import annotations

import httpx

from tests.sandboxes.genesys_cloud.genesys_support import assert_error

_DETAILS = "/api/v2/recordings/screensessions/details"


async def test_screen_session_details_count_the_active_sessions(client: httpx.AsyncClient) -> None:
    sessions = (await client.get("/api/v2/recordings/screensessions", params={"pageSize": 100})).json()
    assert sessions["total"] > 0
    details = await client.get(_DETAILS)
    assert details.status_code == 200 and details.headers["content-type"] == "application/json"
    assert details.json() == {"count": sessions["total"]}
    stop = await client.patch(
        f"/api/v2/recordings/screensessions/{sessions['entities'][0]['id']}", json={"state": "STOPPED"}
    )
    assert stop.status_code == 204
    assert (await client.get(_DETAILS)).json() == {"count": sessions["total"] - 1}


async def test_screen_session_details_need_a_token_and_only_answer_get(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(_DETAILS, headers={"Authorization": ""}), 401, "authentication.required")
    refused = await client.post(_DETAILS, json={})
    assert_error(refused, 405, "method.not.allowed")
    # PATCH reaches the session route (``details`` read as a session id, so a 404).
    assert refused.headers["allow"] == "GET, HEAD, PATCH"
    assert_error(await client.patch(_DETAILS, json={"state": "STOPPED"}), 404, "not.found")
