"""Genesys Cloud sandbox answers as the API does: the screen-session count, and media sizes."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from sandboxes.genesys_cloud.data import ConvRecording
from sandboxes.genesys_cloud.encoding import FORMATS
from tests.sandboxes.clock import FakeClock
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


def _shortest_ready(app: Starlette) -> ConvRecording:
    return min(
        (r for r in app.state.genesys.timeline if not r.transcode_ms and r.file_state == "AVAILABLE"),
        key=lambda r: r.call.duration_ms,
    )


@pytest.mark.parametrize("format_id", [*FORMATS])
async def test_output_size_is_the_size_of_the_served_file(
    client: httpx.AsyncClient, app: Starlette, format_id: str
) -> None:
    rec = _shortest_ready(app)
    path = f"/api/v2/conversations/{rec.conversation_id}/recordings"
    single = (await client.get(f"{path}/{rec.id}", params={"formatId": format_id})).json()
    listed = next(r for r in (await client.get(path, params={"formatId": format_id})).json() if r["id"] == rec.id)
    media = await client.get(single["mediaUris"]["0"]["mediaUri"])
    assert media.status_code == 200
    assert single["outputSizeInBytes"] == listed["outputSizeInBytes"] == len(media.content)
    assert int(media.headers["content-length"]) == len(media.content)


@pytest.mark.parametrize("format_id", ["OGG_OPUS", "WEBM", "MP3"])
async def test_orphan_output_size_is_the_size_of_the_served_file(
    client: httpx.AsyncClient, app: Starlette, format_id: str
) -> None:
    orphans = app.state.genesys.orphans.values()
    orphan = min(
        (o for o in orphans if o.file_state == "AVAILABLE" and not o.transcode_ms), key=lambda o: o.duration_ms
    )
    body = (await client.get(f"/api/v2/orphanrecordings/{orphan.id}/media", params={"formatId": format_id})).json()
    media = await client.get(body["mediaUris"]["0"]["mediaUri"])
    assert media.status_code == 200 and body["outputSizeInBytes"] == len(media.content)


async def test_recording_settings_ranges_and_media_url_lifetime_are_as_stated(
    client: httpx.AsyncClient, app: Starlette, clock: FakeClock
) -> None:
    document = (await client.get("/openapi.json")).json()
    stated = document["components"]["schemas"]["RecordingSettings"]["properties"]
    current = (await client.get("/api/v2/recording/settings")).json()
    ranged = {name: schema for name, schema in stated.items() if schema["type"] == "integer"}
    assert {name: schema["default"] for name, schema in ranged.items()} == {name: current[name] for name in ranged}
    ttl_minutes = current["recordingPlaybackUrlTtl"]
    rec = _shortest_ready(app)
    body = (
        await client.get(f"/api/v2/conversations/{rec.conversation_id}/recordings/{rec.id}", params={"formatId": "WAV"})
    ).json()
    url = body["mediaUris"]["0"]["mediaUri"]
    assert (
        "recordingPlaybackUrlTtl"
        in document["components"]["schemas"]["MediaResult"]["properties"]["mediaUri"]["description"]
    )
    clock.advance(ttl_minutes * 60)
    assert (await client.get(url, headers={"Range": "bytes=0-3"})).status_code == 206
    clock.advance(1)
    assert (await client.get(url)).status_code == 403
    for name, schema in ranged.items():
        for value in (schema["minimum"], schema["maximum"]):
            assert (await client.put("/api/v2/recording/settings", json={name: value})).json()[name] == value
        for value in (schema["minimum"] - 1, schema["maximum"] + 1):
            assert_error(await client.put("/api/v2/recording/settings", json={name: value}), 400, "invalid.value")


async def test_request_bodies_past_the_stated_size_are_413(client: httpx.AsyncClient) -> None:
    most = (await client.get("/openapi.json")).json()["x-request-bytes-max"]
    frame = b'{"name": "Big", "description": ""}'
    fits = frame.replace(b'""', b'"' + b"a" * (most - len(frame)) + b'"')
    assert len(fits) == most
    headers = {"Content-Type": "application/json"}
    created = await client.post("/api/v2/recording/mediaretentionpolicies", content=fits, headers=headers)
    assert created.status_code == 200
    too_big = fits.replace(b'"Big"', b'"Bigger"')
    refused = await client.post("/api/v2/recording/mediaretentionpolicies", content=too_big, headers=headers)
    assert_error(refused, 413, "request.entity.too.large")
