"""The Webex sandbox: details, temporary links, metadata, the recycle bin and people lookup."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.webex import connection_info, create_app
from sandboxes.webex.data import Recording, Store

ANCHOR = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
INFO = connection_info("http://sandbox")
RECORDINGS = "/v1/convergedRecordings"
ADMIN_LIST = "/v1/admin/convergedRecordings"
MONTH: dict[str, str | int] = {"from": "2025-02-01T12:00:00Z", "to": "2025-03-03T12:00:00Z", "max": 100}


class ManualClock:
    """A sandbox clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _auth(name: str = "token") -> dict[str, str]:
    return {"Authorization": f"Bearer {INFO[name]}"}


def assert_webex_error(response: httpx.Response, status: int, text: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert body["message"] and body["errors"] == [{"description": body["message"]}]
    assert body["trackingId"].startswith("ROUTERGW_")
    if text is not None:
        assert text in body["message"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(ANCHOR)


@pytest.fixture
def app(clock: ManualClock) -> Starlette:
    return create_app(SandboxConfig(seed=5, size=1500, anchor=ANCHOR, knobs=Knobs(rate_limits=False)), clock=clock)


@pytest.fixture
def store(app: Starlette) -> Store:
    state: Store = app.state.webex.store
    return state


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as http:
        yield http


def _pick(store: Store, status: str = "available", *, own: bool = False, count: int = 1) -> list[Recording]:
    found = [r for r in store.recordings if r.status == status and (r.owner is store.user) == own]
    assert len(found) >= count
    return found[:count]


async def _status(client: httpx.AsyncClient, recording_id: str, who: str = "token") -> int | str:
    response = await client.get(f"{RECORDINGS}/{recording_id}", headers=_auth(who))
    return str(response.json()["status"]) if response.status_code == 200 else response.status_code


# --- details, links, metadata ---------------------------------------------------------------


async def test_details_for_compliance_officer(client: httpx.AsyncClient, store: Store) -> None:
    (recording,) = _pick(store)
    response = await client.get(f"{RECORDINGS}/{recording.id}", headers={**_auth(), "timezone": "America/New_York"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert body["id"] == recording.id and body["sizeBytes"] == recording.size_bytes
    assert body["createTime"].endswith("-05:00")
    links = body["temporaryDirectDownloadLinks"]
    assert set(links) == {"audioDownloadLink", "transcriptDownloadLink", "expiration"}
    assert links["expiration"] == "2025-03-01T15:00:00Z"
    assert links["audioDownloadLink"].startswith("http://sandbox/nbr/MultiThreadDownloadServlet?type=calling&")


async def test_links_withheld_from_admin_and_notes_only_for_user(client: httpx.AsyncClient, store: Store) -> None:
    (other,) = _pick(store)
    (own,) = _pick(store, own=True)
    admin = (await client.get(f"{RECORDINGS}/{other.id}", headers=_auth("admin_token"))).json()
    assert "temporaryDirectDownloadLinks" not in admin and admin["id"] == other.id
    user = (await client.get(f"{RECORDINGS}/{own.id}", headers=_auth("user_token"))).json()
    assert set(user["temporaryDirectDownloadLinks"]) == {
        "audioDownloadLink", "transcriptDownloadLink", "suggestedNotesDownloadLink", "shortNotesDownloadLink",
        "actionItemsDownloadLink", "expiration",
    }  # fmt: skip
    assert_webex_error(await client.get(f"{RECORDINGS}/{other.id}", headers=_auth("user_token")), 404)
    assert_webex_error(await client.get(f"{RECORDINGS}/nope", headers=_auth()), 404)


async def test_audio_link_serves_mp3_without_bearer(client: httpx.AsyncClient, store: Store) -> None:
    (recording,) = _pick(store)
    details = (await client.get(f"{RECORDINGS}/{recording.id}", headers=_auth())).json()
    link = details["temporaryDirectDownloadLinks"]["audioDownloadLink"]
    response = await client.get(link)
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/mpeg"
    assert int(response.headers["content-length"]) == len(response.content) == details["sizeBytes"]
    # MPEG-2.5 layer III frames (sync 0xFFE, no CRC), 32 kbit/s, 8 kHz mono, 288 bytes each
    frames = [response.content[i : i + 4] for i in range(0, len(response.content), 288)]
    assert all(frame == bytes.fromhex("ffe348c4") for frame in frames)
    partial = await client.get(link, headers={"Range": "bytes=288-1000"})
    assert partial.status_code == 206 and partial.content == response.content[288:1001]
    transcript = await client.get(details["temporaryDirectDownloadLinks"]["transcriptDownloadLink"])
    assert transcript.status_code == 200 and transcript.text.startswith("WEBVTT")


async def test_links_expire_after_three_hours(client: httpx.AsyncClient, store: Store, clock: ManualClock) -> None:
    (recording,) = _pick(store)
    details = (await client.get(f"{RECORDINGS}/{recording.id}", headers=_auth())).json()
    link = details["temporaryDirectDownloadLinks"]["audioDownloadLink"]
    assert_webex_error(await client.get(link.replace("timestamp=", "timestamp=1")), 403, "ticket")
    clock.now = ANCHOR + timedelta(hours=3)
    assert (await client.head(link)).status_code == 200
    clock.now = ANCHOR + timedelta(hours=3, seconds=1)
    assert_webex_error(await client.get(link), 410, "expired")


async def test_notes_link_needs_owner_token(client: httpx.AsyncClient, store: Store) -> None:
    (own,) = _pick(store, own=True)
    details = (await client.get(f"{RECORDINGS}/{own.id}", headers=_auth("user_token"))).json()
    link = details["temporaryDirectDownloadLinks"]["actionItemsDownloadLink"]
    assert_webex_error(await client.get(link), 401)
    assert_webex_error(await client.get(link, headers=_auth("admin_token")), 403)
    response = await client.get(link, headers=_auth("user_token"))
    assert response.status_code == 200 and "Action items" in response.text


async def test_metadata(client: httpx.AsyncClient, store: Store) -> None:
    (recording,) = _pick(store)
    url = f"{RECORDINGS}/{recording.id}/metadata"
    body = (await client.get(url, headers=_auth())).json()
    assert body["id"] == recording.id and body["ownerEmail"] == recording.owner.email
    assert body["serviceData"]["callSessionId"] == recording.call.conversation_id
    assert "mediaStreams" not in body["serviceData"]["callActivity"][0]
    full = (await client.get(url, params={"showAllTypes": "true"}, headers=_auth())).json()
    assert full["serviceData"]["callActivity"][0]["mediaStreams"]
    assert_webex_error(await client.get(url, params={"showAllTypes": "maybe"}, headers=_auth()), 400)


# --- recycle bin ----------------------------------------------------------------------------


async def test_soft_delete_restore_purge_cycle(client: httpx.AsyncClient, store: Store) -> None:
    first, second = _pick(store, count=2)
    ids = [first.id, second.id]
    post = client.post
    admin = _auth("admin_token")
    response = await post(f"{RECORDINGS}/softDelete", json={"recordingIds": ids}, headers=admin)
    assert response.status_code == 204 and response.content == b""
    assert await _status(client, first.id) == "deleted"
    deleted = await client.get(ADMIN_LIST, params={**MONTH, "status": "deleted"}, headers=_auth())
    assert first.id in {item["id"] for item in deleted.json()["items"]}
    conflict = await post(f"{RECORDINGS}/softDelete", json={"trashAll": False, "recordingIds": ids}, headers=admin)
    assert_webex_error(conflict, 409)
    assert (await post(f"{RECORDINGS}/restore", json={"recordingIds": [first.id]}, headers=admin)).status_code == 204
    assert_webex_error(await post(f"{RECORDINGS}/restore", json={"recordingIds": [first.id]}, headers=admin), 409)
    assert_webex_error(await post(f"{RECORDINGS}/purge", json={"recordingIds": [first.id]}, headers=admin), 409)
    assert (await post(f"{RECORDINGS}/purge", json={"recordingIds": [second.id]}, headers=admin)).status_code == 204
    assert await _status(client, second.id, "admin_token") == 404
    assert await _status(client, second.id) == "purged"
    purged = (await client.get(f"{RECORDINGS}/{second.id}", headers=_auth())).json()
    assert "temporaryDirectDownloadLinks" not in purged
    listed = await client.get(ADMIN_LIST, params={**MONTH, "status": "purged"}, headers=_auth())
    assert second.id in {item["id"] for item in listed.json()["items"]}


async def test_all_flags_for_admin_and_user(client: httpx.AsyncClient, store: Store) -> None:
    owner = store.user
    mine = [r for r in store.recordings if r.owner is owner and r.status == "available"]
    body = {"trashAll": True, "ownerEmail": owner.email}
    assert (await client.post(f"{RECORDINGS}/softDelete", json=body, headers=_auth("admin_token"))).status_code == 204
    assert mine and all(r.status == "deleted" for r in mine)
    restore = {"restoreAll": True}
    assert (
        await client.post(f"{RECORDINGS}/restore", json=restore, headers=_auth("user_write_token"))
    ).status_code == 204
    assert all(r.status == "available" for r in mine)


BULK_REJECTIONS = [
    ("softDelete", "admin_token", {"trashAll": True, "recordingIds": ["x"], "ownerEmail": "a@example.com"}, 400),
    ("softDelete", "admin_token", {"trashAll": True}, 400),
    ("restore", "user_write_token", {"restoreAll": True, "ownerEmail": "a@example.com"}, 400),
    ("purge", "admin_token", {"purgeAll": False, "ownerEmail": "a@example.com", "recordingIds": ["x"]}, 400),
    ("softDelete", "admin_token", {"recordingIds": []}, 400),
    ("softDelete", "admin_token", {}, 400),
    ("softDelete", "admin_token", {"recordingIds": [f"id{n}" for n in range(101)]}, 400),
    ("softDelete", "admin_token", {"trashAll": "yes"}, 400),
    ("softDelete", "admin_token", {"recordingIds": ["no-such-recording"]}, 404),
    ("softDelete", "admin_token", {"trashAll": True, "ownerEmail": "nobody@example.com"}, 404),
    ("softDelete", "token", {"recordingIds": ["x"]}, 403),
    ("softDelete", "user_token", {"recordingIds": ["x"]}, 403),
    ("softDelete", "expired_token", {"recordingIds": ["x"]}, 401),
]


@pytest.mark.parametrize(("action", "who", "body", "status"), BULK_REJECTIONS)
async def test_bulk_rejections(
    client: httpx.AsyncClient, action: str, who: str, body: dict[str, Any], status: int
) -> None:
    assert_webex_error(await client.post(f"{RECORDINGS}/{action}", json=body, headers=_auth(who)), status)


async def test_bulk_body_must_be_json(client: httpx.AsyncClient) -> None:
    url, admin = f"{RECORDINGS}/softDelete", _auth("admin_token")
    assert_webex_error(await client.post(url, content=b"recordingIds=x", headers=admin), 415)
    bad = {**admin, "Content-Type": "application/json"}
    assert_webex_error(await client.post(url, content=b"{not json", headers=bad), 400)


async def test_user_cannot_touch_others_recordings(client: httpx.AsyncClient, store: Store) -> None:
    (other,) = _pick(store)
    body = {"recordingIds": [other.id]}
    response = await client.post(f"{RECORDINGS}/softDelete", json=body, headers=_auth("user_write_token"))
    assert_webex_error(response, 404)
    (own,) = _pick(store, own=True)
    response = await client.post(
        f"{RECORDINGS}/softDelete", json={"recordingIds": [own.id]}, headers=_auth("user_write_token")
    )
    assert response.status_code == 204 and own.status == "deleted"


async def test_compliance_delete(client: httpx.AsyncClient, store: Store) -> None:
    (recording,) = _pick(store)
    url = f"{RECORDINGS}/{recording.id}"
    assert_webex_error(await client.request("DELETE", url, json={"comment": "no reason"}, headers=_auth()), 400)
    long = {"reason": "audit", "comment": "x" * 256}
    assert_webex_error(await client.request("DELETE", url, json=long, headers=_auth()), 400)
    assert_webex_error(await client.request("DELETE", url, json={"reason": "audit"}, headers=_auth("admin_token")), 403)
    response = await client.request("DELETE", url, json={"reason": "audit", "comment": "x" * 255}, headers=_auth())
    assert response.status_code == 204 and response.content == b""
    assert await _status(client, recording.id) == 404
    assert_webex_error(await client.request("DELETE", url, json={"reason": "audit"}, headers=_auth()), 404)
    for status in ("available", "deleted", "purged"):
        listed = await client.get(ADMIN_LIST, params={**MONTH, "status": status}, headers=_auth())
        assert recording.id not in {item["id"] for item in listed.json()["items"]}


# --- people ---------------------------------------------------------------------------------


def _webex_id(raw: str) -> str:
    return base64.b64encode(f"ciscospark://us/PEOPLE/{raw}".encode()).decode().rstrip("=")


async def test_people_by_ids(client: httpx.AsyncClient, store: Store) -> None:
    people = store.people[:3]
    ids = [_webex_id(p.uuid) for p in people] + [_webex_id("00000000-0000-4000-8000-000000000000")]
    response = await client.get("/v1/people", params={"id": ",".join(ids)}, headers=_auth())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    items = response.json()["items"]
    assert [item["id"] for item in items] == ids[:3]
    assert [item["emails"] for item in items] == [[p.email] for p in people]
    assert all("=" not in item["id"] and "status" not in item for item in items)
    assert base64.b64decode(items[0]["id"] + "==").decode() == f"ciscospark://us/PEOPLE/{people[0].uuid}"


async def test_people_lookup_rules(client: httpx.AsyncClient, store: Store) -> None:
    too_many = ",".join(_webex_id(p.uuid) for p in store.people[:86])
    assert_webex_error(await client.get("/v1/people", params={"id": too_many}, headers=_auth()), 400)
    exactly = ",".join(_webex_id(p.uuid) for p in store.people[:85])
    assert len((await client.get("/v1/people", params={"id": exactly}, headers=_auth())).json()["items"]) == 85
    assert_webex_error(await client.get("/v1/people", headers=_auth()), 400)
    person = store.people[7]
    by_email = await client.get("/v1/people", params={"email": person.email.upper()}, headers=_auth())
    assert [item["displayName"] for item in by_email.json()["items"]] == [person.name]
    one = await client.get(f"/v1/people/{_webex_id(person.uuid)}", headers=_auth())
    assert one.status_code == 200 and one.json()["emails"] == [person.email]
    assert_webex_error(await client.get(f"/v1/people/{_webex_id('unknown')}", headers=_auth()), 404)


async def test_recording_owner_resolves_through_people(client: httpx.AsyncClient) -> None:
    item = (await client.get(ADMIN_LIST, params={"ownerType": "user", "max": 1}, headers=_auth())).json()["items"][0]
    people = await client.get("/v1/people", params={"id": _webex_id(item["ownerId"])}, headers=_auth())
    assert people.json()["items"][0]["emails"] == [item["ownerEmail"]]
