"""The Bandwidth Catapult v1 sandbox, in-process through httpx's ASGI transport."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp

from sandboxes import world
from sandboxes.bandwidth import KIND, CatapultSettings, connection_info, create_app
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.mp3 import FRAME_BYTES
from tests.sandboxes.clock import FakeClock

ANCHOR = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
INFO = connection_info("http://sandbox")
USER = INFO["user_id"]
AUTH = (INFO["api_token"], INFO["api_secret"])
ROOT = f"/v1/users/{USER}"


def _config(size: int = 40, *, rate_limits: bool = False, seed: int = 7) -> SandboxConfig:
    return SandboxConfig(seed=seed, size=size, anchor=ANCHOR, knobs=Knobs(rate_limits=rate_limits))


def _settled(clock: FakeClock | None = None) -> CatapultSettings:
    return CatapultSettings(in_progress=0, clock=clock or FakeClock(origin=ANCHOR.timestamp()))


def _client(app: ASGIApp, auth: tuple[str, str] | None = AUTH) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox", auth=auth)


@pytest.fixture
def clock() -> FakeClock:
    """Stopped at the anchor: whole seconds, so reset instants in milliseconds are exact."""
    return FakeClock(origin=ANCHOR.timestamp())


@pytest.fixture
async def client(clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(create_app(_config(), _settled(clock))) as http:
        yield http


def _next_link(header: str) -> str | None:
    """python-bandwidth's lazy_enumerable: split on ',' then ';', exact rel="next", strip <>."""
    for link in header.split(","):
        values = link.split(";")
        if len(values) == 2 and values[1].strip() == 'rel="next"':
            return values[0].replace("<", " ").replace(">", " ").strip()
    return None


def _assert_error(response: httpx.Response, status: int, category: str, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["category"] == category
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_kind_and_connection_info() -> None:
    assert KIND == "bandwidth"
    assert set(INFO) == {"base_url", "user_id", "api_token", "api_secret"}
    assert INFO["base_url"] == "http://sandbox"
    assert re.fullmatch(r"u-[a-z0-9]{23}", USER)
    assert re.fullmatch(r"t-[a-z0-9]{23}", INFO["api_token"])


async def test_walking_link_next_returns_every_recording_once(client: httpx.AsyncClient) -> None:
    url: str | None = f"{ROOT}/recordings?size=7"
    seen: list[dict[str, str]] = []
    pages = 0
    while url is not None:
        response = await client.get(url)
        assert response.status_code == 200
        page = response.json()
        assert isinstance(page, list)
        link = response.headers["link"]
        assert f'<http://sandbox{ROOT}/recordings?page=0&size=7>; rel="first"' in link
        seen += page
        pages += 1
        url = _next_link(link)
        assert url is None or url.startswith("http://sandbox/")
    assert pages == 6
    assert len(seen) == 40 and len({r["id"] for r in seen}) == 40
    starts = [r["startTime"] for r in seen]
    assert starts == sorted(starts, reverse=True)


async def test_list_defaults_and_shapes(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{ROOT}/recordings")
    assert response.headers["content-type"] == "application/json"
    assert len(response.json()) == 25
    assert _next_link(response.headers["link"]) == f"http://sandbox{ROOT}/recordings?page=1&size=25"
    last = await client.get(f"{ROOT}/recordings", params={"page": 1})
    assert len(last.json()) == 15 and 'rel="next"' not in last.headers["link"]
    beyond = await client.get(f"{ROOT}/recordings", params={"page": 9, "size": 25})
    assert beyond.status_code == 200 and beyond.json() == []
    for recording in response.json():
        assert set(recording) == {"id", "startTime", "endTime", "call", "media", "state"}
        assert re.fullmatch(r"rec-[a-z0-9]{23}", recording["id"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", recording["startTime"])
        call_id = recording["call"].rsplit("/", 1)[-1]
        assert re.fullmatch(r"c-[a-z0-9]{23}", call_id)
        assert recording["call"] == f"http://sandbox{ROOT}/calls/{call_id}"
        assert re.fullmatch(rf"http://sandbox{ROOT}/media/{call_id}-1\.(wav|mp3)", recording["media"])
        assert recording["state"] in {"complete", "error"}


@pytest.mark.parametrize(
    "query",
    [{"size": "1001"}, {"size": "0"}, {"size": "-3"}, {"size": "ten"}, {"size": ""}, {"page": "-1"}, {"page": "1.5"}],
)
async def test_bad_page_or_size_is_a_validation_error(client: httpx.AsyncClient, query: dict[str, str]) -> None:
    for path in ("recordings", "media"):
        _assert_error(await client.get(f"{ROOT}/{path}", params=query), 400, "bad-request", "validation-error")


async def test_size_over_1000_message(client: httpx.AsyncClient) -> None:
    body = _assert_error(await client.get(f"{ROOT}/recordings?size=1001"), 400, "bad-request", "validation-error")
    assert "1000" in str(body["message"])
    assert (await client.get(f"{ROOT}/recordings?size=1000")).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic dC14OnNlY3JldA=="},
        {"Authorization": f"Bearer {AUTH[0]}"},
        {"Authorization": "Basic !!!not-base64"},
    ],
)
async def test_bad_credentials_are_401(headers: dict[str, str]) -> None:
    async with _client(create_app(_config(rate_limits=True), _settled()), auth=None) as http:
        for path in ("recordings", "media", "calls/c-unknown", "nothing-here"):
            response = await http.get(f"{ROOT}/{path}", headers=headers)
            _assert_error(response, 401, "authorization", "unauthorized")
            assert response.headers["www-authenticate"].startswith("Basic")


async def test_wrong_secret_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{ROOT}/recordings", auth=(AUTH[0], "wrong"))
    _assert_error(response, 401, "authorization", "unauthorized")


async def test_another_users_path_is_401_user_access_denied(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/users/u-someoneelse0000000000000/recordings")
    body = _assert_error(response, 401, "authorization", "user-access-denied")
    assert body["message"] == f"User {USER} does not have permission to access user u-someoneelse0000000000000"


async def test_unknown_ids_are_404(client: httpx.AsyncClient) -> None:
    body = _assert_error(await client.get(f"{ROOT}/recordings/rec-missing"), 404, "not-found", "recording-not-found")
    assert body["message"] == "The recording rec-missing could not be found"
    for path in ("calls/c-missing", "calls/c-missing/recordings"):
        body = _assert_error(await client.get(f"{ROOT}/{path}"), 404, "not-found", "call-not-found")
        assert body["message"] == "The call c-missing could not be found"
    body = _assert_error(await client.get(f"{ROOT}/media/c-missing-1.wav"), 404, "not-found", "media-not-found")
    assert body["message"] == "The media resource named c-missing-1.wav could not be found"
    _assert_error(await client.get(f"{ROOT}/unknown"), 404, "not-found", "resource-not-found")
    _assert_error(await client.post(f"{ROOT}/recordings"), 405, "bad-request", "method-not-allowed")


async def test_recording_call_and_call_recordings_agree(client: httpx.AsyncClient) -> None:
    recording = (await client.get(f"{ROOT}/recordings?size=1")).json()[0]
    assert (await client.get(f"{ROOT}/recordings/{recording['id']}")).json() == recording
    call = (await client.get(recording["call"])).json()
    assert call["id"] == recording["call"].rsplit("/", 1)[-1]
    assert call["direction"] == "in" and call["state"] == "completed"
    assert call["startTime"] == recording["startTime"] and call["endTime"] == recording["endTime"]
    assert call["recordingEnabled"] is True and call["recordingFileFormat"] in {"wav", "mp3"}
    assert recording["media"].endswith(f"-1.{call['recordingFileFormat']}")
    assert call["chargeableDuration"] % 60 == 0 and call["chargeableDuration"] > 0
    listed = await client.get(call["recordings"])
    assert "link" not in listed.headers
    assert listed.json() == [recording]


async def test_calls_match_the_shared_world(client: httpx.AsyncClient) -> None:
    expected = {(c.caller, c.dialed, c.start) for c in world.calls(7, 40, "bandwidth", anchor=ANCHOR)}
    recordings = (await client.get(f"{ROOT}/recordings?size=40")).json()
    found = set()
    for recording in recordings:
        call = (await client.get(recording["call"])).json()
        start = datetime.strptime(call["startTime"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        found.add((call["from"], call["to"], start))
    assert found == expected


async def test_same_seed_same_data() -> None:
    bodies = []
    for _ in range(2):
        async with _client(create_app(_config(), _settled())) as http:
            bodies.append((await http.get(f"{ROOT}/recordings?size=40")).json())
    assert bodies[0] == bodies[1]
    async with _client(create_app(_config(seed=8), _settled())) as http:
        assert (await http.get(f"{ROOT}/recordings?size=40")).json() != bodies[0]


async def test_wav_download_matches_the_media_list(client: httpx.AsyncClient) -> None:
    media = (await client.get(f"{ROOT}/media?size=1000")).json()
    assert all(set(item) == {"mediaName", "contentLength", "content"} for item in media)
    wav = next(item for item in media if item["mediaName"].endswith(".wav"))
    assert wav["content"] == f"http://sandbox{ROOT}/media/{wav['mediaName']}"
    response = await client.get(wav["content"], headers={"Range": "bytes=0-99"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert "accept-ranges" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content) == wav["contentLength"]
    assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WAVE"


async def test_mp3_download_is_real_mp3(client: httpx.AsyncClient) -> None:
    media = (await client.get(f"{ROOT}/media?size=1000")).json()
    item = next(item for item in media if item["mediaName"].endswith(".mp3"))
    response = await client.get(item["content"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/mpeg"
    body = response.content
    assert int(response.headers["content-length"]) == len(body) == item["contentLength"]
    # Constant-bitrate MPEG-2.5 Layer III frames at 8 kHz, each starting with a sync word.
    assert len(body) % FRAME_BYTES == 0
    assert all(body[i] == 0xFF and body[i + 1] & 0xE0 == 0xE0 for i in range(0, len(body), FRAME_BYTES))


async def test_error_recordings_have_no_media() -> None:
    async with _client(create_app(_config(size=400), _settled())) as http:
        recordings = (await http.get(f"{ROOT}/recordings?size=400")).json()
        failed = [r for r in recordings if r["state"] == "error"]
        assert failed and len(failed) < 40
        names = {item["mediaName"] for item in (await http.get(f"{ROOT}/media?size=1000")).json()}
        assert len(names) == 400 - len(failed)
        for recording in failed:
            name = recording["media"].rsplit("/", 1)[-1]
            assert name not in names
            _assert_error(await http.get(recording["media"]), 404, "not-found", "media-not-found")


async def test_media_list_pages_with_link_next(client: httpx.AsyncClient) -> None:
    url: str | None = f"{ROOT}/media?size=9"
    names: list[str] = []
    while url is not None:
        response = await client.get(url)
        names += [item["mediaName"] for item in response.json()]
        url = _next_link(response.headers["link"])
    everything = (await client.get(f"{ROOT}/media?size=1000")).json()
    assert names == [item["mediaName"] for item in everything] and len(set(names)) == len(names)


async def test_recording_saving_then_complete_over_time(clock: FakeClock) -> None:
    settings = CatapultSettings(in_progress=2, saving_after_s=0.5, complete_after_s=1.5, clock=clock)
    async with _client(create_app(_config(), settings)) as http:

        async def newest() -> tuple[dict[str, str], dict[str, object], httpx.Response]:
            recording = (await http.get(f"{ROOT}/recordings?size=1")).json()[0]
            call = (await http.get(recording["call"])).json()
            return recording, call, await http.get(recording["media"])

        recording, call, download = await newest()
        assert recording["state"] == "recording" and "endTime" not in recording
        assert call["state"] == "active" and "endTime" not in call and "chargeableDuration" not in call
        _assert_error(download, 404, "not-found", "media-not-found")
        listed = (await http.get(f"{ROOT}/recordings?size=3")).json()
        assert [r["state"] for r in listed] == ["recording", "recording", "complete"]
        media_names = {item["mediaName"] for item in (await http.get(f"{ROOT}/media?size=1000")).json()}
        assert recording["media"].rsplit("/", 1)[-1] not in media_names

        clock.advance(0.5)
        recording, call, download = await newest()
        assert recording["state"] == "saving" and "endTime" in recording
        assert call["state"] == "completed" and "endTime" in call
        _assert_error(download, 404, "not-found", "media-not-found")

        clock.advance(0.5)
        assert (await newest())[0]["state"] == "saving"
        clock.advance(0.5)
        recording, call, download = await newest()
        assert recording["state"] == "complete"
        assert download.status_code == 200 and download.content
        media = (await http.get(f"{ROOT}/media?size=2")).json()
        assert media[0]["mediaName"] == recording["media"].rsplit("/", 1)[-1]


async def test_rate_limit_is_one_per_second_per_family(clock: FakeClock) -> None:
    async with _client(create_app(_config(rate_limits=True), _settled(clock))) as http:
        assert (await http.get(f"{ROOT}/recordings")).status_code == 200
        limited = await http.get(f"{ROOT}/recordings/rec-anything")
        assert limited.status_code == 429
        reset = limited.headers["x-ratelimit-reset"]
        assert int(reset) == (clock() + 1) * 1000
        assert "retry-after" not in limited.headers
        assert limited.json() == {
            "category": "too-many-requests",
            "code": "rate-limit-reached",
            "details": [
                {"name": "rateLimitResetTime", "value": reset},
                {"name": "requestMethod", "value": "GET"},
                {"name": "remoteAddress", "value": "127.0.0.1"},
                {"name": "requestPath", "value": f"users/{USER}/recordings/rec-anything"},
            ],
        }
        # Other families have their own budget; bad credentials are refused before any limit.
        assert (await http.get(f"{ROOT}/media")).status_code == 200
        assert (await http.get(f"{ROOT}/calls/c-missing")).status_code == 404
        assert (await http.get(f"{ROOT}/recordings", auth=("t-x", "y"))).status_code == 401
        clock.advance(0.5)
        assert (await http.get(f"{ROOT}/recordings")).status_code == 429
        clock.advance(0.5)  # now at X-RateLimit-Reset
        assert (await http.get(f"{ROOT}/recordings")).status_code == 200


async def test_injected_faults_are_vendor_shaped(client: httpx.AsyncClient, clock: FakeClock) -> None:
    async def patch(knobs: dict[str, object]) -> None:
        assert (await client.patch("/_sandbox/knobs", json=knobs)).status_code == 200

    await patch({"outage": True})
    _assert_error(await client.get(f"{ROOT}/recordings"), 503, "unavailable", "service-unavailable")
    body = _assert_error(await client.get(f"{ROOT}/media/c-x-1.wav"), 503, "unavailable", "media-unavailable")
    assert body["message"] == "Failed to access media c-x-1.wav"
    await patch({"outage": False, "error_rate": 1.0})
    _assert_error(await client.get(f"{ROOT}/recordings"), 500, "backend", "internal-server-error")
    await patch({"error_rate": 0.0, "throttle_rate": 1.0, "retry_after_s": 0.25})
    throttled = await client.get(f"{ROOT}/calls/c-x")
    assert throttled.status_code == 429 and throttled.json()["code"] == "rate-limit-reached"
    assert int(throttled.headers["x-ratelimit-reset"]) == clock() * 1000 + 250
    await patch({"throttle_rate": 0.0})
    assert (await client.get(f"{ROOT}/recordings")).status_code == 200


async def test_counts_per_route_template(client: httpx.AsyncClient) -> None:
    recordings = (await client.get(f"{ROOT}/recordings?size=2")).json()
    for recording in recordings:
        await client.get(f"{ROOT}/recordings/{recording['id']}")
        await client.get(recording["call"])
    await client.get(f"{ROOT}/media/c-missing-1.wav")
    counts = (await client.get("/_sandbox/counts")).json()
    assert counts == {
        "total": 6,
        "endpoints": {
            "GET /v1/users/{userId}/recordings": 1,
            "GET /v1/users/{userId}/recordings/{recordingId}": 2,
            "GET /v1/users/{userId}/calls/{callId}": 2,
            "GET /v1/users/{userId}/media/{mediaName}": 1,
        },
        "throttled": 0,
    }
    assert (await client.delete("/_sandbox/counts")).status_code == 204
    assert (await client.get("/_sandbox/counts")).json()["total"] == 0


async def test_openapi_document(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json", auth=None)).json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/v1/users/{userId}/recordings",
        "/v1/users/{userId}/recordings/{recordingId}",
        "/v1/users/{userId}/calls/{callId}",
        "/v1/users/{userId}/calls/{callId}/recordings",
        "/v1/users/{userId}/media",
        "/v1/users/{userId}/media/{mediaName}",
    }
    listing = document["paths"]["/v1/users/{userId}/recordings"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "size"}
    assert {"200", "400", "401", "429"} <= set(listing["responses"])
    assert set(document["components"]["schemas"]) == {"Recording", "Call", "Media", "Error"}


async def test_100k_recordings_page_to_the_last() -> None:
    """How long building them takes is bench/sandbox_generation.py's figure, not a test's."""
    async with _client(create_app(_config(size=100_000), _settled())) as http:
        last = await http.get(f"{ROOT}/recordings?page=99&size=1000")
        assert len(last.json()) == 1000 and 'rel="next"' not in last.headers["link"]
