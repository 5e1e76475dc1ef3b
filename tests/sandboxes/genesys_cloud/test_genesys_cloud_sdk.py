"""The vendor's own Python SDK (PureCloudPlatformClientV2) against the sandbox under uvicorn.

Every operation the sandbox implements is called through the SDK and parsed into its models.
Operations the current SDK no longer has (``/userrecordings/{id}/media``, local key settings,
screen sessions) go through the SDK's own ``ApiClient.call_api``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import PureCloudPlatformClientV2 as gc
import pytest
from PureCloudPlatformClientV2.rest import ApiException

from sandboxes.genesys_cloud import connection_info, create_app
from sandboxes.genesys_cloud.store import Store
from sandboxes.kit import SandboxConfig
from sandboxes.serving import serve_in_thread
from tests.sandboxes.clock import FakeClock
from tests.sandboxes.genesys_cloud.genesys_support import ANCHOR


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    """Real time, so the SDK's own waits pass, that a test may also jump forward."""
    return FakeClock(running=True)


@pytest.fixture(scope="module")
def served(clock: FakeClock) -> Iterator[tuple[gc.ApiClient, Store]]:
    app = create_app(SandboxConfig(seed=11, size=300, anchor=ANCHOR), clock=clock)
    with serve_in_thread(app) as base_url:
        info = connection_info(base_url)
        client = gc.ApiClient(host=info["base_url"]).get_client_credentials_token(
            info["client_id"], info["client_secret"]
        )
        yield client, app.state.genesys


def _call(client: gc.ApiClient, method: str, path: str, response_type: str | None, body: Any = None) -> Any:
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    return client.call_api(
        path, method, {}, [], headers, body=body, response_type=response_type, auth_settings=["PureCloud OAuth"]
    )


def test_sdk_rejects_a_wrong_secret(served: tuple[gc.ApiClient, Store]) -> None:
    client, _ = served
    with pytest.raises(ApiException) as failure:
        gc.ApiClient(host=client.host).get_client_credentials_token(connection_info(client.host)["client_id"], "wrong")
    assert failure.value.status == 401


def test_sdk_user_recordings(served: tuple[gc.ApiClient, Store]) -> None:
    client, _ = served
    api = gc.UserRecordingsApi(client)
    listing = api.get_userrecordings(page_size=5, page_number=1, expand=["conversation"])
    assert isinstance(listing, gc.UserRecordingEntityListing) and listing.page_size == 5 and listing.total > 5
    first = listing.entities[0]
    assert first.conversation.participants[1].user_id and first.date_created.tzinfo is not None
    summary = api.get_userrecordings_summary()
    assert summary.total_count == listing.total
    one = api.get_userrecording(first.id)
    assert one.id == first.id and one.created_by.name
    body = gc.UserRecording()
    body.read = not one.read
    updated = api.put_userrecording(first.id, body)
    assert updated.read is (not one.read)
    download = api.get_userrecording_transcoding(first.id, format_id="WAV")
    assert download.state in ("Running", "Completed")
    legacy = _call(client, "GET", f"/api/v2/userrecordings/{first.id}/media", "DownloadResponse")
    assert legacy.id == first.id
    api.delete_userrecording(first.id)
    with pytest.raises(ApiException) as failure:
        api.get_userrecording(first.id)
    assert failure.value.status == 404


def test_sdk_conversation_recordings_and_annotations(served: tuple[gc.ApiClient, Store]) -> None:
    client, store = served
    api = gc.RecordingApi(client)
    rec = next(r for r in store.timeline if r.file_state == "AVAILABLE" and r.transcode_ms and r.media == "audio")
    # The list blocks up to maxWaitMs while the media transcodes, then answers 200.
    recordings = api.get_conversation_recordings(rec.conversation_id, max_wait_ms=5000, format_id="WAV")
    assert client.last_response.status == 200
    recording = recordings[0]
    assert isinstance(recording, gc.Recording) and recording.file_state == "AVAILABLE"
    assert recording.media_uris["0"].media_uri.startswith(client.host)
    single = api.get_conversation_recording(
        rec.conversation_id, rec.id, format_id="WAV_ULAW", download=True, file_name="x"
    )
    assert single.id == rec.id and single.users[0].id == rec.call.agent.uuid
    body = gc.Recording()
    body.delete_date = "2031-01-01T00:00:00.000Z"
    updated = api.put_conversation_recording(rec.conversation_id, rec.id, body, clear_export=True)
    assert updated.delete_date.year == 2031
    assert api.get_conversation_recordingmetadata(rec.conversation_id)[0].id == rec.id
    assert api.get_conversation_recordingmetadata_recording_id(rec.conversation_id, rec.id).file_state == "AVAILABLE"
    note = gc.Annotation()
    note.name, note.location, note.duration_ms = "Note", 100, 200
    created = api.post_conversation_recording_annotations(rec.conversation_id, rec.id, note)
    assert created.absolute_location == 100
    listed = api.get_conversation_recording_annotations(rec.conversation_id, rec.id)
    assert created.id in [a.id for a in listed]
    assert api.get_conversation_recording_annotation(rec.conversation_id, rec.id, created.id).name == "Note"
    note.description = "changed"
    assert (
        api.put_conversation_recording_annotation(rec.conversation_id, rec.id, created.id, note).description
        == "changed"
    )
    api.delete_conversation_recording_annotation(rec.conversation_id, rec.id, created.id)
    # Every seeded recording parses, whatever its state (no nulls on enum fields).
    for other in store.timeline[:60]:
        api.get_conversation_recordings(other.conversation_id, max_wait_ms=1, format_id="NONE")


def test_sdk_orphans(served: tuple[gc.ApiClient, Store]) -> None:
    client, _ = served
    api = gc.RecordingApi(client)
    listing = api.get_orphanrecordings(page_size=100, has_conversation=True, media="Call")
    assert isinstance(listing, gc.OrphanRecordingListing) and listing.entities
    orphan = listing.entities[0]
    assert orphan.orphan_status != "outdated_sdk_version" and orphan.recording.conversation_id
    assert api.get_orphanrecording(orphan.id).id == orphan.id
    media = api.get_orphanrecording_media(orphan.id, format_id="WAV")
    assert media.id == orphan.recording.id
    update = gc.OrphanUpdateRequest()
    update.delete_date = "2031-01-01T00:00:00.000Z"
    recording = api.put_orphanrecording(orphan.id, body=update)
    assert recording.conversation_id == orphan.recording.conversation_id
    other = listing.entities[1]
    assert api.delete_orphanrecording(other.id).id == other.id


def test_sdk_policies(served: tuple[gc.ApiClient, Store]) -> None:
    client, _ = served
    api = gc.RecordingApi(client)
    listing = api.get_recording_mediaretentionpolicies(page_size=10, page_number=2, enabled=True, summary=False)
    assert isinstance(listing, gc.PolicyEntityListing) and listing.page_number == 2
    assert listing.entities[0].actions.retention_duration.delete_retention.days > 0
    create = gc.PolicyCreate()
    create.name, create.enabled = "SDK policy", True
    created = api.post_recording_mediaretentionpolicies(create)
    assert created.created_date is not None
    assert api.get_recording_mediaretentionpolicy(created.id).name == "SDK policy"
    patch = gc.PolicyUpdate()
    patch.enabled = False
    assert api.patch_recording_mediaretentionpolicy(created.id, patch).enabled is False
    full = gc.Policy()
    full.name = "SDK policy renamed"
    assert api.put_recording_mediaretentionpolicy(created.id, full).name == "SDK policy renamed"
    api.delete_recording_mediaretentionpolicy(created.id)
    api.delete_recording_mediaretentionpolicies(",".join(p.id for p in listing.entities[:2]))
    assert api.get_recording_mediaretentionpolicies(page_size=100).total == 28


def test_sdk_keys_settings_sessions_and_jobs(served: tuple[gc.ApiClient, Store], clock: FakeClock) -> None:
    client, _ = served
    api = gc.RecordingApi(client)
    assert api.get_recording_recordingkeys(page_size=10).entities[0].key_configuration_type == "Native"
    assert api.post_recording_recordingkeys().id
    schedule = api.get_recording_recordingkeys_rotationschedule()
    schedule.period = "YEARLY"
    assert api.put_recording_recordingkeys_rotationschedule(schedule).period == "YEARLY"
    settings = _call(client, "GET", "/api/v2/recording/localkeys/settings", "object")
    config_id = settings["entities"][0]["id"]
    config = _call(client, "GET", f"/api/v2/recording/localkeys/settings/{config_id}", "LocalEncryptionConfiguration")
    assert config.url
    new = {"name": "n", "url": "https://kms", "apiId": "a", "apiKey": "k"}
    made = _call(client, "POST", "/api/v2/recording/localkeys/settings", "LocalEncryptionConfiguration", new)
    again = _call(client, "PUT", f"/api/v2/recording/localkeys/settings/{made.id}", "LocalEncryptionConfiguration", new)
    assert again.id == made.id
    request = gc.LocalEncryptionKeyRequest()
    request.config_id, request.public_key, request.keypair_id = made.id, "cHVi", "pair-1"
    assert api.post_recording_localkeys(request).key_configuration_type == "LocalKeyManager"
    current = api.get_recording_settings(create_default=False)
    current.recording_playback_url_ttl = 30
    assert api.put_recording_settings(current).recording_playback_url_ttl == 30
    sessions = _call(client, "GET", "/api/v2/recordings/screensessions", "object")
    _call(
        client,
        "PATCH",
        f"/api/v2/recordings/screensessions/{sessions['entities'][0]['id']}",
        None,
        {"state": "STOPPED"},
    )
    query = gc.RecordingJobsQuery()
    query.action, query.action_date = "EXPORT", "2031-01-01T00:00:00.000Z"
    query.integration_id = "integration-1"
    query.conversation_query = gc.AsyncConversationQuery()
    query.conversation_query.interval = "2024-05-20T00:00:00.000Z/2024-05-25T00:00:00.000Z"
    job = api.post_recording_jobs(query)
    assert job.state == "PENDING" and job.recording_jobs_query.action == "EXPORT"
    assert api.get_recording_job(job.id).id == job.id
    assert api.get_recording_jobs(page_size=10).total >= 1
    assert api.get_recording_job_failedrecordings(job.id).total == 0
    clock.advance(1)  # PENDING for half a second, then READY
    execute = gc.ExecuteRecordingJobsQuery()
    execute.state = "PROCESSING"
    assert api.put_recording_job(job.id, execute).state == "FULFILLED"
    api.delete_recording_job(job.id)


def test_sdk_users_and_analytics(served: tuple[gc.ApiClient, Store]) -> None:
    client, store = served
    ids = [m.person.uuid for m in list(store.members.values())[:5]]
    users = gc.UsersApi(client).get_users(id=ids, page_size=10)
    assert isinstance(users, gc.UserEntityListing) and users.entities[0].email.endswith("@example.com")
    assert gc.UsersApi(client).get_user(ids[0]).primary_contact_info[0].media_type == "EMAIL"
    query = gc.ConversationQuery()
    query.interval = "2024-05-20T00:00:00.000Z/2024-05-22T00:00:00.000Z"
    query.order = "asc"
    query.paging = gc.PagingSpec()
    query.paging.page_size, query.paging.page_number = 25, 1
    result = gc.AnalyticsApi(client).post_analytics_conversations_details_query(query)
    assert result.total_hits > 0
    conversation = result.conversations[0]
    assert conversation.conversation_start.tzinfo is not None
    assert {p.purpose for p in conversation.participants} == {"customer", "agent"}


def test_sdk_retries_a_429_after_retry_after(served: tuple[gc.ApiClient, Store]) -> None:
    client, _ = served
    knobs, counts = f"{client.host}/_sandbox/knobs", f"{client.host}/_sandbox/counts"
    httpx.patch(knobs, json={"rate_limit": {"limit": 1, "period_s": 1}}).raise_for_status()
    try:
        api = gc.UserRecordingsApi(client)
        httpx.delete(counts).raise_for_status()
        first = api.get_userrecordings_summary()
        second = api.get_userrecordings_summary()  # 429 + Retry-After: 1, retried by urllib3
        assert second.total_count == first.total_count
        # One 429 and one retry: the retry came once the window had reset, as Retry-After said.
        assert httpx.get(counts).json()["endpoints"]["GET /api/v2/userrecordings/summary"] == 3
    finally:
        httpx.patch(knobs, json={"rate_limit": None}).raise_for_status()
