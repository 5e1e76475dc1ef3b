"""Genesys Cloud sandbox: what each area answers and how writes change state (in-process)."""

from __future__ import annotations

import io
import wave
from typing import Any

import httpx
from starlette.applications import Starlette

from sandboxes.genesys_cloud import KIND, create_app
from sandboxes.genesys_cloud.store import Store
from sandboxes.kit import SandboxConfig
from sandboxes.world import calls, roster
from tests.sandboxes.clock import FakeClock
from tests.sandboxes.genesys_cloud.genesys_support import ANCHOR, assert_error

DETAILS = "/api/v2/analytics/conversations/details/query"


def store_of(app: Starlette) -> Store:
    store: Store = app.state.genesys
    return store


def never_null(value: Any) -> None:
    """The API omits absent fields; a null anywhere would crash the SDK's enum setters."""
    assert value is not None
    if isinstance(value, dict):
        for item in value.values():
            never_null(item)
    elif isinstance(value, list):
        for item in value:
            never_null(item)


def test_data_is_deterministic_and_shared_with_the_world() -> None:
    first = store_of(create_app(SandboxConfig(seed=3, size=50, anchor=ANCHOR)))
    second = store_of(create_app(SandboxConfig(seed=3, size=50, anchor=ANCHOR)))
    assert list(first.recordings) == list(second.recordings)
    assert list(first.policies) == list(second.policies)
    assert {r.conversation_id for r in first.timeline} == {c.conversation_id for c in calls(3, 50, KIND, anchor=ANCHOR)}
    assert {m.person.email for m in first.members.values()} == {p.email for p in roster(3)}
    states = {r.file_state for r in store_of(create_app(SandboxConfig(seed=3, size=2000, anchor=ANCHOR))).timeline}
    assert {"AVAILABLE", "ARCHIVED", "DELETED"} <= states


async def test_user_recordings_listing_envelope(client: httpx.AsyncClient) -> None:
    first = (await client.get("/api/v2/userrecordings", params={"pageSize": 5})).json()
    assert first["pageSize"] == 5 and first["pageNumber"] == 1
    assert first["pageCount"] == -(-first["total"] // 5)
    assert first["firstUri"] == "/api/v2/userrecordings?pageSize=5&pageNumber=1"
    assert first["nextUri"] == "/api/v2/userrecordings?pageSize=5&pageNumber=2"
    assert first["lastUri"] == f"/api/v2/userrecordings?pageSize=5&pageNumber={first['pageCount']}"
    assert "previousUri" not in first
    last = (await client.get(first["lastUri"])).json()
    assert "nextUri" not in last and last["previousUri"].endswith(f"pageNumber={first['pageCount'] - 1}")
    assert len(last["entities"]) == first["total"] - 5 * (first["pageCount"] - 1)
    never_null(first)
    expanded = (await client.get("/api/v2/userrecordings", params={"pageSize": 2, "expand": "conversation"})).json()
    assert all(e["conversation"]["participants"] for e in expanded["entities"])
    assert expanded["nextUri"].endswith("&expand=conversation")


async def test_user_recording_update_delete_and_summary(client: httpx.AsyncClient) -> None:
    summary = (await client.get("/api/v2/userrecordings/summary")).json()
    assert summary["readCount"] + summary["unreadCount"] == summary["totalCount"]
    listing = (await client.get("/api/v2/userrecordings", params={"pageSize": 100})).json()
    unread = next(e for e in listing["entities"] if not e["read"])
    path = f"/api/v2/userrecordings/{unread['id']}"
    updated = await client.put(path, json={**unread, "read": True})
    assert updated.status_code == 200 and updated.json()["read"] is True
    assert (await client.get(path)).json()["read"] is True
    after = (await client.get("/api/v2/userrecordings/summary")).json()
    assert after["readCount"] == summary["readCount"] + 1
    assert_error(await client.put(path, json={"read": "yes"}), 400, "invalid.value")
    deleted = await client.delete(path)
    assert deleted.status_code == 202 and deleted.content == b""
    assert_error(await client.get(path), 404, "not.found")
    assert (await client.get("/api/v2/userrecordings/summary")).json()["totalCount"] == summary["totalCount"] - 1


async def test_user_recording_media_is_real_audio(client: httpx.AsyncClient, app: Starlette, clock: FakeClock) -> None:
    ready = next(ur for ur in store_of(app).user_recordings.values() if not ur.transcode_ms)
    download = (await client.get(f"/api/v2/userrecordings/{ready.id}/media", params={"formatId": "WAV"})).json()
    assert download["state"] == "Completed"
    url = download["contentLocationUri"]
    assert url.startswith("http://sandbox/media/")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as bare:  # no bearer: pre-signed
        audio = await bare.get(url)
        assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
        with wave.open(io.BytesIO(audio.content)) as wav:
            assert wav.getframerate() == 8000
            assert abs(wav.getnframes() / 8000 * 1000 - ready.call.duration_ms) < 1
        part = await bare.get(url, headers={"Range": "bytes=0-99"})
        assert part.status_code == 206 and len(part.content) == 100
        tampered = await bare.get(url.replace("format=WAV", "format=MP3"))
        assert tampered.status_code == 403 and b"AccessDenied" in tampered.content
        clock.advance(61 * 60)
        expired = await bare.get(url)
        assert expired.status_code == 403 and b"Request has expired" in expired.content
    cold = next(ur for ur in store_of(app).user_recordings.values() if ur.transcode_ms)
    running = await client.get(f"/api/v2/userrecordings/{cold.id}/transcoding", params={"formatId": "MP3"})
    assert running.status_code == 202 and running.json()["state"] == "Running"
    clock.advance(cold.transcode_ms / 1000)
    done = await client.get(f"/api/v2/userrecordings/{cold.id}/transcoding", params={"formatId": "MP3"})
    assert done.status_code == 200 and done.json()["contentLocationUri"].split("?")[0].endswith(".mp3")


async def test_conversation_recordings_transcode_then_serve(
    client: httpx.AsyncClient, app: Starlette, clock: FakeClock
) -> None:
    rec = next(r for r in store_of(app).timeline if r.transcode_ms and r.file_state == "AVAILABLE")
    path = f"/api/v2/conversations/{rec.conversation_id}/recordings"
    busy = await client.get(path, params={"maxWaitMs": 1, "formatId": "WAV"})
    assert busy.status_code == 202
    stub = next(r for r in busy.json() if r["id"] == rec.id)
    assert "mediaUris" not in stub and stub["estimatedTranscodeTimeMs"] > 0
    single = await client.get(f"{path}/{rec.id}", params={"formatId": "WAV"})
    assert single.status_code == 202 and "mediaUris" not in single.json()
    clock.advance(rec.transcode_ms / 1000)
    ready = await client.get(path, params={"formatId": "WAV"})
    assert ready.status_code == 200 and isinstance(ready.json(), list)
    body = next(r for r in ready.json() if r["id"] == rec.id)
    never_null(body)
    assert body["conversationId"] == rec.conversation_id and body["fileState"] == "AVAILABLE"
    assert body["startTime"].endswith("Z") and len(body["startTime"]) == len("2024-05-01T12:34:56.789Z")
    assert body["mediaUris"]["0"]["mediaUri"].startswith("http://sandbox/media/recordings/")
    assert body["outputDurationMs"] == rec.call.duration_ms
    none = (await client.get(f"{path}/{rec.id}", params={"formatId": "NONE"})).json()
    assert none["mediaUris"] == {}
    # mediaFormats overrides formatId; a fresh format transcodes again.
    mp3 = await client.get(f"{path}/{rec.id}", params={"formatId": "WAV", "mediaFormats": "MP3,WAV"})
    assert mp3.status_code == 202
    assert_error(await client.get(path, params={"maxWaitMs": 0}), 400, "bad.request")


async def test_compressed_formats_are_encoded(client: httpx.AsyncClient, app: Starlette) -> None:
    rec = min(
        (r for r in store_of(app).timeline if not r.transcode_ms and r.file_state == "AVAILABLE"),
        key=lambda r: r.call.duration_ms,
    )
    magic = {"MP3": (b"\xff\xe3",), "WEBM": (b"\x1a\x45\xdf\xa3",), "OGG_OPUS": (b"OggS",), "OGG_VORBIS": (b"OggS",)}
    for format_id, prefixes in magic.items():
        body = (
            await client.get(
                f"/api/v2/conversations/{rec.conversation_id}/recordings/{rec.id}",
                params={"formatId": format_id, "download": "true", "fileName": "call"},
            )
        ).json()
        media = await client.get(body["mediaUris"]["0"]["mediaUri"])
        assert media.status_code == 200 and media.content.startswith(prefixes), format_id
        assert media.headers["content-disposition"] == 'attachment; filename="call"'


async def test_retention_put_deletes_archives_and_restores(
    client: httpx.AsyncClient, app: Starlette, clock: FakeClock
) -> None:
    store = store_of(app)
    rec = next(r for r in store.timeline if r.file_state == "AVAILABLE" and not r.transcode_ms)
    path = f"/api/v2/conversations/{rec.conversation_id}/recordings/{rec.id}"
    future = (await client.put(path, json={"deleteDate": "2030-01-01T00:00:00.000Z"})).json()
    assert future["deleteDate"] == "2030-01-01T00:00:00.000Z" and future["fileState"] == "AVAILABLE"
    cleared = (await client.put(path, json={"deleteDate": None})).json()
    assert "deleteDate" not in cleared
    gone = (await client.put(path, json={"deleteDate": "2024-01-01T00:00:00Z"})).json()
    assert gone["fileState"] == "DELETED"
    assert "mediaUris" not in (await client.get(path, params={"formatId": "WAV"})).json()
    assert_error(await client.put(path, json={"archiveDate": "not a date"}), 400, "invalid.date")
    archived = next(r for r in store.timeline if r.file_state == "ARCHIVED" and r.delete_date is None)
    apath = f"/api/v2/conversations/{archived.conversation_id}/recordings/{archived.id}"
    assert (await client.put(apath, json={"archiveDate": "2030-01-01T00:00:00Z"})).json()["fileState"] == "RESTORING"
    clock.advance(3)
    restored = (await client.get(apath, params={"formatId": "WAV"})).json()
    assert restored["fileState"] == "RESTORED" and restored["restoreExpirationTime"].startswith("2030-01-01")


async def test_metadata_and_annotations(client: httpx.AsyncClient, app: Starlette) -> None:
    rec = next(r for r in store_of(app).timeline if r.media == "audio" and r.call.duration_ms > 60_000)
    base = f"/api/v2/conversations/{rec.conversation_id}"
    metadata = (await client.get(f"{base}/recordingmetadata")).json()
    assert [m["id"] for m in metadata] == [rec.id] and "mediaUris" not in metadata[0]
    assert (await client.get(f"{base}/recordingmetadata/{rec.id}")).json()["fileState"] == rec.file_state
    annotations = f"{base}/recordings/{rec.id}/annotations"
    before = (await client.get(annotations)).json()
    created = await client.post(annotations, json={"name": "Escalation", "location": 1000, "durationMs": 2000})
    assert created.status_code == 200
    note = created.json()
    assert note["absoluteLocation"] == 1000 and note["selfUri"] == f"{annotations}/{note['id']}"
    assert [a["id"] for a in (await client.get(annotations)).json()] == [a["id"] for a in before] + [note["id"]]
    changed = (await client.put(f"{annotations}/{note['id']}", json={"description": "moved", "location": 5000})).json()
    assert changed["location"] == 5000 and changed["name"] == "Escalation"
    assert (await client.get(f"{annotations}/{note['id']}")).json() == changed
    assert_error(await client.post(annotations, json={"location": rec.call.duration_ms + 1}), 400, "invalid.value")
    assert_error(await client.post(annotations, json={"location": 1, "reason": "Lunch"}), 400, "invalid.value")
    assert (await client.delete(f"{annotations}/{note['id']}")).status_code == 204
    assert_error(await client.get(f"{annotations}/{note['id']}"), 404, "not.found")


async def test_policies_crud_filters_and_paging(client: httpx.AsyncClient) -> None:
    path = "/api/v2/recording/mediaretentionpolicies"
    everything = (await client.get(path, params={"pageSize": 100})).json()
    assert everything["total"] == 30
    assert (await client.get(path)).json()["pageCount"] == 2
    disabled = (await client.get(path, params={"enabled": "false", "pageSize": 100})).json()
    assert disabled["entities"] and all(p["enabled"] is False for p in disabled["entities"])
    assert disabled["firstUri"].endswith("&enabled=false")
    summary = (await client.get(path, params={"summary": "true"})).json()["entities"][0]
    assert "actions" not in summary and "name" in summary
    created = (
        await client.post(path, json={"name": "Keep VIP calls", "enabled": True, "actions": {"retainRecording": True}})
    ).json()
    assert created["enabled"] is True and created["createdDate"].endswith("Z")
    named = (await client.get(path, params={"name": "vip calls"})).json()
    assert created["id"] in [p["id"] for p in named["entities"]]
    patched = (await client.patch(f"{path}/{created['id']}", json={"enabled": False})).json()
    assert patched["enabled"] is False and patched["actions"] == {"retainRecording": True}
    replaced = (await client.put(f"{path}/{created['id']}", json={"name": "Renamed", "description": "d"})).json()
    assert replaced["name"] == "Renamed" and "actions" not in replaced
    assert (await client.delete(f"{path}/{created['id']}")).status_code == 204
    assert_error(await client.get(f"{path}/{created['id']}"), 404, "not.found")
    ids = [p["id"] for p in everything["entities"][:3]]
    assert (await client.delete(path, params={"ids": ",".join(ids)})).status_code == 204
    assert (await client.get(path)).json()["total"] == 27
    assert_error(await client.delete(path), 400, "invalid.value")


async def test_orphans_list_media_recover_and_delete(client: httpx.AsyncClient, app: Starlette) -> None:
    listing = (await client.get("/api/v2/orphanrecordings", params={"pageSize": 100})).json()
    never_null(listing)
    with_conv = (
        await client.get("/api/v2/orphanrecordings", params={"hasConversation": "true", "pageSize": 100})
    ).json()
    assert with_conv["total"] < listing["total"]
    assert all("conversationId" in o["recording"] for o in with_conv["entities"])
    orphan = next(o for o in with_conv["entities"] if o["fileState"] == "AVAILABLE")
    path = f"/api/v2/orphanrecordings/{orphan['id']}"
    assert (await client.get(path)).json() == orphan
    media = await client.get(f"{path}/media", params={"formatId": "WAV"})
    assert media.status_code in (200, 202)
    recovered = await client.put(path, json={"deleteDate": "2030-01-01T00:00:00Z"})
    assert recovered.status_code == 200 and recovered.json()["deleteDate"].startswith("2030")
    conversation = recovered.json()["conversationId"]
    ids = [
        r["id"]
        for r in (
            await client.get(f"/api/v2/conversations/{conversation}/recordings", params={"formatId": "NONE"})
        ).json()
    ]
    assert ids == [orphan["recording"]["id"]]
    assert_error(await client.get(path), 404, "not.found")
    lonely = next(o for o in listing["entities"] if "conversationId" not in o["recording"] and o["id"] != orphan["id"])
    assert_error(await client.put(f"/api/v2/orphanrecordings/{lonely['id']}"), 400, "invalid.value")
    deleted = await client.delete(f"/api/v2/orphanrecordings/{lonely['id']}")
    assert deleted.status_code == 200 and deleted.json()["id"] == lonely["id"]
    assert_error(await client.get(f"/api/v2/orphanrecordings/{lonely['id']}"), 404, "not.found")


async def test_keys_settings_and_screen_sessions(client: httpx.AsyncClient) -> None:
    keys = (await client.get("/api/v2/recording/recordingkeys")).json()
    created = (await client.post("/api/v2/recording/recordingkeys")).json()
    assert created["keyConfigurationType"] == "Native"
    assert (await client.get("/api/v2/recording/recordingkeys")).json()["total"] == keys["total"] + 1
    schedule = "/api/v2/recording/recordingkeys/rotationschedule"
    assert (await client.put(schedule, json={"period": "WEEKLY"})).json()["period"] == "WEEKLY"
    assert (await client.get(schedule)).json()["period"] == "WEEKLY"
    assert_error(await client.put(schedule, json={"period": "HOURLY"}), 400, "invalid.value")
    settings_path = "/api/v2/recording/localkeys/settings"
    config = (
        await client.post(settings_path, json={"name": "KMS", "url": "https://kms", "apiId": "a", "apiKey": "k"})
    ).json()
    assert "apiKey" not in config
    listed = (await client.get(settings_path)).json()
    assert listed["total"] == len(listed["entities"]) == 2 and listed["selfUri"] == settings_path
    assert (
        await client.put(f"{settings_path}/{config['id']}", json={"url": "https://kms2", "apiId": "b", "apiKey": "k"})
    ).json()["url"] == "https://kms2"
    assert (await client.get(f"{settings_path}/{config['id']}")).json()["apiId"] == "b"
    assert_error(await client.post(settings_path, json={"url": "https://kms"}), 400, "invalid.value")
    key = (
        await client.post(
            "/api/v2/recording/localkeys", json={"configId": config["id"], "publicKey": "cHVi", "keypairId": "kp-1"}
        )
    ).json()
    assert (
        key["keyConfigurationType"] == "LocalKeyManager" and key["localEncryptionConfiguration"]["id"] == config["id"]
    )
    assert_error(
        await client.post("/api/v2/recording/localkeys", json={"configId": "x", "publicKey": "p", "keypairId": "k"}),
        400,
        "invalid.value",
    )
    settings = (await client.get("/api/v2/recording/settings")).json()
    assert settings["recordingPlaybackUrlTtl"] == 60
    assert (await client.put("/api/v2/recording/settings", json={"recordingPlaybackUrlTtl": 5})).json()[
        "recordingPlaybackUrlTtl"
    ] == 5
    assert_error(
        await client.put("/api/v2/recording/settings", json={"recordingPlaybackUrlTtl": 61}), 400, "invalid.value"
    )
    sessions = (await client.get("/api/v2/recordings/screensessions")).json()
    session = sessions["entities"][0]
    assert session["user"]["id"] and session["conversation"]["id"]
    path = f"/api/v2/recordings/screensessions/{session['id']}"
    assert_error(await client.patch(path, json={"state": "PAUSED"}), 400, "invalid.value")
    assert (await client.patch(path, json={"state": "STOPPED"})).status_code == 204
    assert (await client.get("/api/v2/recordings/screensessions")).json()["total"] == sessions["total"] - 1


async def test_recording_jobs_lifecycle(client: httpx.AsyncClient, app: Starlette, clock: FakeClock) -> None:
    query = {
        "action": "DELETE",
        "actionDate": "2030-01-01T00:00:00Z",
        "conversationQuery": {"interval": "2024-05-20T00:00:00Z/2024-05-21T00:00:00Z"},
    }
    created = await client.post("/api/v2/recording/jobs", json=query)
    assert created.status_code == 202
    job = created.json()
    assert job["state"] == "PENDING" and job["totalRecordings"] > 0
    path = f"/api/v2/recording/jobs/{job['id']}"
    assert_error(await client.put(path, json={"state": "PROCESSING"}), 400, "bad.request")
    clock.advance(1)
    assert (await client.get(path)).json()["state"] == "READY"
    done = (await client.put(path, json={"state": "PROCESSING"})).json()
    assert done["state"] == "FULFILLED" and done["percentProgress"] == 100
    assert (await client.get("/api/v2/recording/jobs", params={"state": "FULFILLED"})).json()["total"] == 1
    assert (await client.get(f"{path}/failedrecordings")).json()["total"] == 0
    store = store_of(app)
    day = [r for r in store.timeline if r.call.start.date().isoformat() == "2024-05-20"]
    assert all(r.delete_date is not None and r.delete_date.year == 2030 for r in day)
    assert (await client.delete(path)).status_code == 204
    assert_error(
        await client.post(
            "/api/v2/recording/jobs",
            json={"action": "EXPORT", "actionAge": 1, "conversationQuery": query["conversationQuery"]},
        ),
        400,
        "invalid.value",
    )


async def test_users_by_id_and_state(client: httpx.AsyncClient, app: Starlette) -> None:
    members = list(store_of(app).members.values())
    active = [m.person.uuid for m in members if m.state == "active"][:3]
    deleted = next(m.person.uuid for m in members if m.state == "deleted")
    ids = [*active, deleted, "00000000-0000-4000-8000-000000000000"]
    found = (await client.get("/api/v2/users", params={"id": ",".join(ids), "pageSize": 10})).json()
    assert sorted(u["id"] for u in found["entities"]) == sorted(active) and found["total"] == 3
    any_state = (await client.get("/api/v2/users", params={"id": ",".join(ids), "state": "any"})).json()
    assert any_state["total"] == 4
    user = (await client.get(f"/api/v2/users/{active[0]}")).json()
    never_null(user)
    assert user["email"] == user["username"] and user["email"].endswith("@example.com")
    assert_error(await client.get(f"/api/v2/users/{deleted}"), 404, "not.found")
    assert (await client.get(f"/api/v2/users/{deleted}", params={"state": "deleted"})).json()["state"] == "deleted"
    too_many = ",".join(m.person.uuid for m in members[:101])
    assert_error(await client.get("/api/v2/users", params={"id": too_many, "pageSize": 500}), 400, "bad.request")
    all_users = (await client.get("/api/v2/users", params={"pageSize": 500})).json()
    assert all_users["total"] == sum(1 for m in members if m.state == "active")


async def test_analytics_details_query(client: httpx.AsyncClient, app: Starlette) -> None:
    store = store_of(app)
    interval = "2024-05-25T00:00:00.000Z/2024-05-27T00:00:00.000Z"
    expected = list(
        dict.fromkeys(
            r.conversation_id for r in store.timeline if "2024-05-25" <= r.call.start.date().isoformat() <= "2024-05-26"
        )
    )
    body = (
        await client.post(DETAILS, json={"interval": interval, "paging": {"pageSize": 100, "pageNumber": 1}})
    ).json()
    assert body["totalHits"] == len(expected) > 0
    assert [c["conversationId"] for c in body["conversations"]] == expected
    conversation = body["conversations"][0]
    never_null(conversation)
    agent = next(p for p in conversation["participants"] if p["purpose"] == "agent")
    assert agent["userId"] and agent["sessions"][0]["recording"] is True
    newest = (
        await client.post(DETAILS, json={"interval": interval, "order": "desc", "paging": {"pageSize": 2}})
    ).json()
    assert [c["conversationId"] for c in newest["conversations"]] == expected[::-1][:2]
    user_filter = {"type": "and", "predicates": [{"dimension": "userId", "value": agent["userId"]}]}
    mine = (await client.post(DETAILS, json={"interval": interval, "segmentFilters": [user_filter]})).json()
    assert mine["totalHits"] >= 1 and all(
        any(p.get("userId") == agent["userId"] for p in c["participants"]) for c in mine["conversations"]
    )
    empty = (await client.post(DETAILS, json={"interval": "2020-01-01T00:00:00Z/2020-01-02T00:00:00Z"})).json()
    assert empty == {"totalHits": 0}
    assert_error(await client.post(DETAILS, json={"paging": {"pageSize": 5}}), 400, "invalid.date")


async def test_openapi_document(anon: httpx.AsyncClient) -> None:
    document = (await anon.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    assert "/api/v2/userrecordings/{recordingId}" in document["paths"]
    assert "/api/v2/analytics/conversations/details/query" in document["paths"]
    assert "Recording" in document["components"]["schemas"]
