"""The Genesys Engage (GWS/RWS) sandbox's read side, in-process: query, get, play, errors, knobs."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sandboxes.audio import Audio
from sandboxes.genesys_engage import KIND
from sandboxes.mp3 import Mp3
from tests.sandboxes.test_genesys_engage_support import (
    ADMIN_AUTH,
    AGENT_AUTH,
    API,
    BASE,
    INFO,
    OPS,
    OPS_AUTH,
    assert_error,
    config,
    csrf_token,
    post,
    running,
    seeded,
    walk,
)

CONFIG = config()
DOCS = seeded(CONFIG)
HOME = [doc for doc in DOCS if doc["region"] == "us-east"]
AWAY = [doc for doc in DOCS if doc["region"] != "us-east"]


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with running(CONFIG) as http:
        http.auth = httpx.BasicAuth(*ADMIN_AUTH)
        yield http


async def _ids(client: httpx.AsyncClient, **params: str) -> list[str]:
    return [rec["id"] for rec in await walk(client, str(httpx.URL(f"{API}/recordings", params=params)))]


def test_kind_connection_info_and_seeded_data() -> None:
    assert KIND == "genesys_engage"
    assert {
        "base_url": f"{BASE}/api/v2",
        "username": ADMIN_AUTH[0],
        "password": ADMIN_AUTH[1],
        "ops_username": OPS_AUTH[0],
        "ops_password": OPS_AUTH[1],
        "contact_center_id": INFO["contact_center_id"],
        "region": "us-east",
    } == INFO
    assert seeded(config()) == DOCS  # deterministic
    assert all(re.fullmatch(r"[0-9A-V]{32}", doc["id"]) for doc in DOCS)
    assert len({doc["id"] for doc in DOCS}) == len(DOCS)
    assert 0 < len(AWAY) < len(DOCS) * 0.2
    media = [m for doc in DOCS for m in doc["mediaFiles"]]
    types = {m["type"] for m in media}
    assert types == {"audio/mp3", "audio/wav"}
    assert sum(m["type"] == "audio/mp3" for m in media) > 0.8 * len(media)
    assert {m["mediaDescriptor"]["storage"] for m in media} == {"awsS3", "webDAV"}
    assert any(m.get("pkcs7") for m in media) and any(len(doc["mediaFiles"]) == 2 for doc in DOCS)
    assert any(e.get("data") for doc in DOCS for e in doc["eventHistory"])


async def test_diagnostics_version_needs_no_auth_and_me_reports_roles(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/diagnostics/version", auth=None)
    assert response.json() == {"statusCode": 0, "version": "8.5.200.50"}
    me = (await client.get(f"{API}/me")).json()
    assert me["statusCode"] == 0 and me["user"]["roles"] == ["ROLE_ADMIN"]
    assert me["user"]["userName"] == ADMIN_AUTH[0]
    assert (await client.get(f"{API}/me", auth=AGENT_AUTH)).json()["user"]["roles"] == ["ROLE_AGENT"]


async def test_query_without_search_parameters_is_refused(client: httpx.AsyncClient) -> None:
    for params in ({}, {"offset": "0", "limit": "10"}, {"userName": ""}, {"unknown": "x"}):
        message = assert_error(await client.get(f"{API}/recordings", params=params), 400, 1)
        assert "callerPhoneNumber" in message
    assert_error(await client.get(f"{API}/recordings", params={"startTime": "yesterday"}), 400, 2)


@pytest.mark.parametrize(
    ("params", "status_code"),
    [
        ({"limit": "101"}, 10),
        ({"limit": "0"}, 10),
        ({"offset": "-1"}, 10),
        ({"limit": "ten"}, 10),
    ],
)
async def test_paging_parameters_out_of_range(
    client: httpx.AsyncClient, params: dict[str, str], status_code: int
) -> None:
    assert_error(await client.get(f"{API}/recordings", params={"startTime": "0", **params}), 400, status_code)


async def test_bad_credentials_and_wrong_roles(client: httpx.AsyncClient) -> None:
    url = f"{API}/recordings?startTime=0"
    for auth in (None, (ADMIN_AUTH[0], "wrong"), ("nobody", "x")):
        response = await client.get(url, auth=auth)
        assert assert_error(response, 401, 20) == "Access denied"
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert_error(await client.get(url, headers={"Authorization": "Basic !!notbase64"}, auth=None), 401, 20)
    for auth in (OPS_AUTH, AGENT_AUTH):  # reads need a Contact Center Admin
        assert_error(await client.get(url, auth=auth), 403, 5)
        assert_error(await client.get(f"{API}/recordings/{HOME[0]['id']}", auth=auth), 403, 5)
    assert_error(await client.get(f"{OPS}?startTime=0"), 403, 5)  # the ops URI needs the OPS admin
    csrf = await csrf_token(client)
    assert_error(await client.post(f"{API}/recordings", json={}, headers=csrf), 403, 5)  # writes: ops URI only
    assert_error(await client.delete(f"{API}/recordings/{HOME[0]['id']}", headers=csrf), 403, 5)


async def test_more_than_100_matches_are_truncated_to_the_first_100(client: httpx.AsyncClient) -> None:
    body = (await client.get(f"{API}/recordings", params={"startTime": "0"})).json()
    assert len(HOME) > 100
    assert len(body["recordings"]) == 100 and "prevUri" not in body
    newest = sorted(HOME, key=lambda d: d["mediaFiles"][0]["startTime"], reverse=True)[:100]
    assert [r["id"] for r in body["recordings"]] == [d["id"] for d in newest]
    assert parse_qs(urlsplit(body["nextUri"]).query) == {"startTime": ["0"], "offset": ["100"], "limit": ["100"]}


async def test_offset_limit_paging_walks_every_result_once(client: httpx.AsyncClient) -> None:
    first = (await client.get(f"{API}/recordings", params={"startTime": "0", "limit": "37"})).json()
    assert first["nextUri"] == f"{BASE}/api/v2/recordings?startTime=0&offset=37&limit=37"
    second = (await client.get(first["nextUri"])).json()
    assert second["prevUri"] == f"{BASE}/api/v2/recordings?startTime=0&offset=0&limit=37"
    found = await walk(client, f"{API}/recordings?startTime=0&limit=37")
    ids = [rec["id"] for rec in found]
    assert len(ids) == len(set(ids)) == len(HOME)
    assert set(ids) == {doc["id"] for doc in HOME}  # region affinity: other regions filtered out
    assert all(rec["region"] == "us-east" for rec in found)
    last = (
        await client.get(f"{API}/recordings", params={"startTime": "0", "limit": "37", "offset": str(len(HOME) - 1)})
    ).json()
    assert len(last["recordings"]) == 1 and "nextUri" not in last


async def test_search_semantics(client: httpx.AsyncClient) -> None:
    target = HOME[5]
    caller = target["callerPhoneNumber"]
    assert target["id"] in await _ids(client, callerPhoneNumber=f"{caller[:5]}*")
    assert await _ids(client, callerPhoneNumber=caller[:5]) == []  # exact unless wildcarded
    assert set(await _ids(client, dialedPhoneNumber="*")) == {d["id"] for d in HOME}
    agent = next(e["contact"] for e in target["eventHistory"] if e["contact"]["type"] == "User")
    both = await _ids(client, userName=f"{agent['firstName'].lower()} AND {agent['lastName'].upper()}")
    either = await _ids(client, userName=f"{agent['firstName']} {agent['lastName']}")
    assert target["id"] in both and set(both) <= set(either) and len(either) > len(both)
    expected = {
        d["id"]
        for d in HOME
        if any(
            e["contact"].get("firstName") == agent["firstName"] and e["contact"].get("lastName") == agent["lastName"]
            for e in d["eventHistory"]
        )
    }
    assert set(both) == expected
    case_ids = [e["data"]["CaseId"] for e in target["eventHistory"] if e.get("data")]
    data_doc = target if case_ids else next(d for d in HOME if any(e.get("data") for e in d["eventHistory"]))
    case = next(e["data"]["CaseId"] for e in data_doc["eventHistory"] if e.get("data"))
    assert data_doc["id"] in await _ids(client, userData=case)
    assert data_doc["id"] in await _ids(client, userData=f"{case[:7]}* nothing-else")
    gold = await _ids(client, userData="gold")
    assert set(gold) == {
        d["id"] for d in HOME if any((e.get("data") or {}).get("CustomerSegment") == "gold" for e in d["eventHistory"])
    }
    combined = await _ids(client, userData="gold", callerPhoneNumber=caller)
    assert set(combined) <= set(gold)


async def test_recording_by_id_has_the_get_shape(client: httpx.AsyncClient) -> None:
    doc = next(d for d in HOME if len(d["mediaFiles"]) == 2)
    response = await client.get(f"{API}/recordings/{doc['id']}")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert set(body) == {"statusCode", "recording"} and body["statusCode"] == 0
    rec = body["recording"]
    assert list(rec) == [
        "id",
        "callerPhoneNumber",
        "dialedPhoneNumber",
        "startTime",
        "stopTime",
        "mediaFiles",
        "eventHistory",
        "region",
    ]
    assert rec["startTime"] == min(m["startTime"] for m in rec["mediaFiles"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", rec["stopTime"])
    for media in rec["mediaFiles"]:
        assert "mediaDescriptor" not in media and "originalMediaDesc" not in media and "fileId" not in media
        assert re.fullmatch(rf"{BASE}/api/v2/recordings/{doc['id']}/play/[0-9a-f-]{{36}}\.(mp3|wav)", media["mediaUri"])
        assert media["mediaPath"] == media["playPath"] == media["mediaUri"].removeprefix(f"{BASE}/api/v2")
        assert isinstance(media["duration"], str) and isinstance(media["size"], str)
        assert "accessgroups" in media and "accessgroup" not in media
    ops_view = (await client.get(f"{OPS}/{doc['id']}", auth=OPS_AUTH)).json()["recording"]
    assert [m["originalMediaDesc"] for m in ops_view["mediaFiles"]] == [m["mediaDescriptor"] for m in doc["mediaFiles"]]
    assert_error(await client.get(f"{API}/recordings/NOSUCHRECORDING"), 404, 6)


async def test_region_affinity_for_reads_play_and_queries(client: httpx.AsyncClient) -> None:
    away = AWAY[0]
    assert_error(await client.get(f"{API}/recordings/{away['id']}"), 404, 6)
    assert_error(await client.get(f"{OPS}/{away['id']}", auth=OPS_AUTH), 404, 6)
    assert away["id"] not in await _ids(client, callerPhoneNumber=away["callerPhoneNumber"])
    # A recording re-POSTed into another region keeps its fileUuid, yet can no longer be played.
    await post(client, {**_one_file(HOME[0]), "id": "MOVINGRECORDING"})
    media_uri = (await client.get(f"{API}/recordings/MOVINGRECORDING")).json()["recording"]["mediaFiles"][0]["mediaUri"]
    assert (await client.get(media_uri)).status_code == 200
    assert (await post(client, {**_one_file(HOME[0]), "id": "MOVINGRECORDING", "region": "eu-central"})).json() == {
        "statusCode": 0
    }
    assert_error(await client.get(media_uri), 404, 6)
    assert_error(await client.get(f"{API}/recordings/MOVINGRECORDING"), 404, 6)


def _one_file(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "mediaFiles": doc["mediaFiles"][:1]}


async def test_play_streams_real_audio_with_type_and_length(client: httpx.AsyncClient) -> None:
    plain = [m for d in HOME for m in d["mediaFiles"] if not m.get("pkcs7")]
    for kind in ("audio/mp3", "audio/wav"):
        media = next(m for m in plain if m["type"] == kind and int(m["duration"]) < 120_000)
        rec = (await client.get(f"{API}/recordings/{media['callUUID']}")).json()["recording"]
        uri = next(m["mediaUri"] for m in rec["mediaFiles"] if m["mediaId"] == media["mediaId"])
        response = await client.get(uri, headers={"Range": "bytes=0-99"})  # no Range support: whole body
        assert response.status_code == 200
        assert response.headers["content-type"] == kind
        assert int(response.headers["content-length"]) == len(response.content) == int(media["size"])
        assert "accept-ranges" not in response.headers
        if kind == "audio/mp3":
            assert response.content[0] == 0xFF and response.content[1] & 0xE0 == 0xE0  # MPEG frame sync
            assert response.content == Mp3(media["mediaId"], int(media["duration"])).read(0, int(media["size"]))
        else:
            assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WAVE"
            assert response.content == Audio(media["mediaId"], int(media["duration"])).read(0, int(media["size"]))
        head = await client.head(uri)
        assert head.status_code == 200 and head.headers["content-length"] == media["size"] and not head.content
    wrong_ext = uri.rsplit(".", 1)[0] + ".mp3"
    assert_error(await client.get(wrong_ext), 404, 6)
    assert_error(await client.get(uri, auth=OPS_AUTH), 403, 5)


async def test_encrypted_media_play_returns_the_bytes_still_encrypted(client: httpx.AsyncClient) -> None:
    media = next(m for d in HOME for m in d["mediaFiles"] if m.get("pkcs7") and int(m["duration"]) < 300_000)
    rec = (await client.get(f"{API}/recordings/{media['callUUID']}")).json()["recording"]
    shown = next(m for m in rec["mediaFiles"] if m["mediaId"] == media["mediaId"])
    assert shown["pkcs7"] == media["pkcs7"] and shown["certAlias"] == ["gir-recording-cert"]
    response = await client.get(shown["mediaUri"])
    assert response.status_code == 200 and response.headers["content-type"] == media["type"]
    assert len(response.content) == int(media["size"])
    codec = Mp3 if media["type"] == "audio/mp3" else Audio
    plain = codec(media["mediaId"], int(media["duration"])).read(0, int(media["size"]))
    assert response.content != plain
    assert sum(a == b for a, b in zip(response.content[:4096], plain[:4096], strict=True)) < 100


async def test_fault_knobs_answer_in_the_envelope(client: httpx.AsyncClient) -> None:
    url = f"{API}/recordings?startTime=0&limit=1"
    await client.patch("/_sandbox/knobs", json={"outage": True})
    assert_error(await client.get(url), 503, 4)
    await client.patch("/_sandbox/knobs", json={"outage": False, "error_rate": 1})
    assert_error(await client.get(url), 500, 4)
    await client.patch("/_sandbox/knobs", json={"error_rate": 0, "throttle_rate": 1, "retry_after_s": 2.5})
    throttled = await client.get(url)
    assert_error(throttled, 429, 4)
    assert throttled.headers["Retry-After"] == "3"
    await client.patch("/_sandbox/knobs", json={"throttle_rate": 0, "rate_limit": {"limit": 2, "period_s": 60}})
    assert [(await client.get(url)).status_code for _ in range(3)] == [200, 200, 429]
    assert (await client.get(f"{API}/diagnostics/version", auth=None)).status_code == 200  # anonymous
    assert (await client.get(url, auth=OPS_AUTH)).status_code == 403  # its own window
    await client.patch("/_sandbox/knobs", json={"rate_limit": None})
    assert (await client.get(url)).status_code == 200


async def test_counters_count_per_route_template(client: httpx.AsyncClient) -> None:
    await client.delete("/_sandbox/counts")
    rec = (await client.get(f"{API}/recordings", params={"startTime": "0", "limit": "2"})).json()["recordings"]
    await client.get(f"{API}/recordings", params={"userData": "gold"})
    for item in rec:
        await client.get(f"{API}/recordings/{item['id']}")
    await client.head(rec[0]["mediaFiles"][0]["mediaUri"])
    await client.get(f"{API}/nothing/here")
    counts = (await client.get("/_sandbox/counts")).json()
    assert counts == {
        "total": 6,
        "endpoints": {
            "GET /api/v2/recordings": 2,
            "GET /api/v2/recordings/{recordingId}": 2,
            "HEAD /api/v2/recordings/{recordingId}/play/{fileName}": 1,
            "GET (unmatched)": 1,
        },
        "throttled": 0,
    }


async def test_unknown_paths_and_methods_answer_in_the_envelope() -> None:
    async with running(CONFIG, csrf=False) as client:
        assert_error(await client.get(f"{API}/nothing", auth=ADMIN_AUTH), 404, 6)
        assert_error(await client.patch(f"{API}/recordings/X", auth=ADMIN_AUTH), 405, 3)


async def test_openapi_describes_the_simulated_endpoints(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v2/recordings",
        "/api/v2/recordings/{recordingId}",
        "/api/v2/recordings/{recordingId}/play/{fileName}",
        "/api/v2/diagnostics/version",
        "/api/v2/me",
        "/api/v2/ops/contact-centers/{contactCenterId}/recordings",
        "/api/v2/ops/contact-centers/{contactCenterId}/recordings/{recordingId}",
    } == set(document["paths"])
    assert "originalMediaDesc" in str(document["components"]["schemas"]["Recording"])
