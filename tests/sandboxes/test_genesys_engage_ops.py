"""The Genesys Engage sandbox's OPS side: POST with merge, DELETE (with media), CSRF sessions."""

from __future__ import annotations

import copy
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from sandboxes.genesys_engage import create_app
from sandboxes.serving import free_port, serve_in_thread
from tests.sandboxes.test_genesys_engage_support import (
    ADMIN_AUTH,
    API,
    OPS,
    OPS_AUTH,
    assert_error,
    config,
    csrf_token,
    delete,
    example,
    post,
    running,
    seeded,
)

CONFIG = config(size=60)
DOCS = seeded(CONFIG)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with running(CONFIG) as http:
        yield http


async def _get(client: httpx.AsyncClient, recording_id: str) -> httpx.Response:
    return await client.get(f"{API}/recordings/{recording_id}", auth=ADMIN_AUTH)


async def test_post_creates_and_a_repost_merges(client: httpx.AsyncClient) -> None:
    posted = example()
    response = await post(client, posted)
    assert response.status_code == 200 and response.json() == {"statusCode": 0}
    first = (await _get(client, posted["id"])).json()["recording"]
    assert first["startTime"] == "2013-05-17T19:45:32.000+0000"  # normalized to UTC
    assert first["mediaFiles"][0]["accessgroups"] == ["US", "US/CA"]  # canonical spelling
    repost = copy.deepcopy(posted)
    repost["mediaFiles"][0]["mediaDescriptor"]["path"] = "FTtests/sample2.mp3"
    repost["mediaFiles"][0]["startTime"] = "2013-05-17T10:00:00.000-0800"
    repost["eventHistory"][0]["event"] = "Joined"
    assert (await post(client, repost)).json() == {"statusCode": 0}
    merged = (await _get(client, posted["id"])).json()["recording"]
    assert len(merged["mediaFiles"]) == 2 and len(merged["eventHistory"]) == 2
    assert merged["mediaFiles"][0]["mediaUri"] == first["mediaFiles"][0]["mediaUri"]  # stable fileUuid
    assert merged["startTime"] == "2013-05-17T18:00:00.000+0000"
    same_file = copy.deepcopy(posted)
    same_file["mediaFiles"][0]["duration"] = "9000"
    await post(client, same_file)  # same awsS3 bucket and path: replaces that media file
    again = (await _get(client, posted["id"])).json()["recording"]
    assert [m["duration"] for m in again["mediaFiles"]] == ["9000", "8000"]
    listed = (await client.get(f"{API}/recordings", params={"callerPhoneNumber": "+1650466*"}, auth=ADMIN_AUTH)).json()[
        "recordings"
    ]
    assert [r["id"] for r in listed] == [posted["id"]]


async def test_invalid_posts_store_nothing(client: httpx.AsyncClient) -> None:
    missing = example(region=None)
    del missing["mediaFiles"][0]["callUUID"]
    message = assert_error(await post(client, missing), 400, 1)
    assert "region is required" in message and "mediaFiles[0].callUUID is required" in message
    bad_value = example()
    bad_value["mediaFiles"][0]["startTime"] = "last tuesday"
    bad_value["eventHistory"][0]["event"] = "Waved"
    message = assert_error(await post(client, bad_value), 400, 2)
    assert "mediaFiles[0].startTime" in message and "eventHistory[0].event" in message
    response = await client.post(OPS, content=b"{not json", auth=OPS_AUTH, headers=await csrf_token(client))
    assert_error(response, 400, 2)
    assert_error(await post(client, ["not", "an", "object"]), 400, 2)
    assert_error(await _get(client, example()["id"]), 404, 6)


async def test_writes_need_the_ops_admin_and_this_contact_center(client: httpx.AsyncClient) -> None:
    csrf = await csrf_token(client)
    assert_error(await client.post(OPS, json=example(), auth=ADMIN_AUTH, headers=csrf), 403, 5)
    assert_error(await client.delete(f"{OPS}/{DOCS[0]['id']}", auth=ADMIN_AUTH, headers=csrf), 403, 5)
    assert_error(await client.post(OPS, json=example(), auth=("ops", "nope"), headers=csrf), 401, 20)
    other = OPS.replace(OPS.split("/")[-2], "00000000-0000-0000-0000-000000000000")
    assert_error(await client.post(other, json=example(), auth=OPS_AUTH, headers=csrf), 404, 6)
    assert_error(await _get(client, example()["id"]), 404, 6)


async def test_delete_metadata_only_and_with_subresources(client: httpx.AsyncClient) -> None:
    home = [d for d in DOCS if d["region"] == "us-east"]
    kept_media = home[0]
    assert (await delete(client, kept_media["id"])).json() == {"statusCode": 0}
    assert_error(await _get(client, kept_media["id"]), 404, 6)
    assert_error(await delete(client, kept_media["id"]), 404, 6)
    for storage in ("webDAV", "awsS3"):  # seeded media: the simulated WebDAV server and the object root
        doc = next(d for d in home[1:] if d["mediaFiles"][0]["mediaDescriptor"]["storage"] == storage)
        assert (await delete(client, doc["id"], subresources=True)).json() == {"statusCode": 0}
        assert_error(await _get(client, doc["id"]), 404, 6)
    away = next(d for d in DOCS if d["region"] != "us-east")
    assert_error(await delete(client, away["id"]), 404, 6)  # region affinity


async def test_delete_with_unreachable_media_is_a_partial_success(client: httpx.AsyncClient) -> None:
    posted = example()
    unreachable = f"http://127.0.0.1:{free_port()}/media1.mp3"
    webdav = {**posted["mediaFiles"][0], "mediaDescriptor": {"storage": "webDAV", "path": unreachable}}
    escaping = {
        **posted["mediaFiles"][0],
        "mediaDescriptor": {"storage": "awsS3", "path": "../../escape.mp3", "data": {"bucket": "stage-recordings"}},
    }
    posted["mediaFiles"] = [posted["mediaFiles"][0], webdav, escaping]
    assert (await post(client, posted)).json() == {"statusCode": 0}
    files = (await _get(client, posted["id"])).json()["recording"]["mediaFiles"]
    file_uuids = [m["mediaUri"].rsplit("/", 1)[1].split(".")[0] for m in files]
    response = await delete(client, posted["id"], subresources=True)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"statusCode", "failed"} and body["statusCode"] == 7
    assert [f["id"] for f in body["failed"]] == file_uuids[1:]
    webdav_failure = body["failed"][0]
    assert webdav_failure["mediaDescriptor"] == {"storage": "webDAV", "path": unreachable}
    assert webdav_failure["statusCode"] == 4
    assert webdav_failure["statusMessage"].startswith(f"Fail to send request deleting {unreachable}")
    assert_error(await _get(client, posted["id"]), 404, 6)  # the metadata is gone anyway


async def test_csrf_token_and_session_are_enforced_on_writes(client: httpx.AsyncClient) -> None:
    target = DOCS[1]["id"]
    fresh = await client.get(f"{API}/diagnostics/version")
    assert fresh.headers["set-cookie"].startswith("JSESSIONID=") and "HttpOnly" in fresh.headers["set-cookie"]
    token = fresh.headers["X-CSRF-TOKEN"]
    again = await client.get(f"{API}/me", auth=OPS_AUTH)
    assert "set-cookie" not in again.headers and again.headers["X-CSRF-TOKEN"] == token  # same session
    url = f"{OPS}/{target}"
    refused = [
        await client.delete(url, auth=OPS_AUTH),
        await client.delete(url, auth=OPS_AUTH, headers={"X-CSRF-TOKEN": "0" * 36}),
        await client.delete(url, auth=("nobody", "x")),  # the CSRF filter runs before authentication
    ]
    client.cookies.clear()
    refused.append(await client.delete(url, auth=OPS_AUTH, headers={"X-CSRF-TOKEN": token}))  # no session
    for response in refused:
        assert assert_error(response, 403, 3) == "Missing or invalid Csrf token"
    client.cookies.set("JSESSIONID", "F" * 32)  # a session this server never issued
    forged = await client.get(f"{API}/me", auth=OPS_AUTH)
    assert forged.headers["set-cookie"].startswith("JSESSIONID=")
    assert (await _get(client, target)).status_code == 200  # nothing was deleted
    assert (await delete(client, target)).json() == {"statusCode": 0}


async def test_without_csrf_protection_writes_need_no_token() -> None:
    async with running(CONFIG, csrf=False) as client:
        response = await client.get(f"{API}/me", auth=OPS_AUTH)
        assert "X-CSRF-TOKEN" not in response.headers and response.headers["set-cookie"].startswith("JSESSIONID=")
        assert (await client.post(OPS, json=example(), auth=OPS_AUTH)).json() == {"statusCode": 0}
        assert (await client.delete(f"{OPS}/{example()['id']}", auth=OPS_AUTH)).json() == {"statusCode": 0}


def test_csrf_session_flow_under_uvicorn() -> None:
    app = create_app(config(size=20))
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, auth=OPS_AUTH) as http:
        assert http.get("/api/v2/diagnostics/version").json()["statusCode"] == 0
        first = http.get("/api/v2/me")
        assert first.status_code == 200 and "JSESSIONID" in http.cookies
        headers = {"X-CSRF-TOKEN": first.headers["X-CSRF-TOKEN"]}
        ops = OPS.removeprefix("/")
        assert_error(http.post(f"/{ops}", json=example()), 403, 3)
        assert http.post(f"/{ops}", json=example(), headers=headers).json() == {"statusCode": 0}
        recording = http.get(f"/api/v2/recordings/{example()['id']}", auth=ADMIN_AUTH).json()["recording"]
        media_uri = recording["mediaFiles"][0]["mediaUri"]
        assert media_uri.startswith(f"{base_url}/api/v2/recordings/")
        audio = http.get(media_uri, auth=ADMIN_AUTH)
        assert audio.headers["content-type"] == "audio/wav"
        assert len(audio.content) == int(audio.headers["content-length"])
        assert http.delete(f"/{ops}/{example()['id']}", params={"subresources": "*"}, headers=headers).json() == {
            "statusCode": 0
        }
        assert_error(http.get(f"/api/v2/recordings/{example()['id']}", auth=ADMIN_AUTH), 404, 6)


async def test_the_store_lives_in_a_temporary_directory_removed_on_shutdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    async with running(config(size=10)) as client:
        (folder,) = _listing(tmp_path)
        assert folder.name.startswith("engage-sandbox-") and "engage.db" in {f.name for f in _listing(folder)}
        assert (await client.get(f"{API}/recordings?startTime=0", auth=ADMIN_AUTH)).status_code == 200
    assert _listing(tmp_path) == []


def _listing(folder: Path) -> list[Path]:
    return list(folder.iterdir())
