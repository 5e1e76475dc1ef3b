"""The Webex sandbox driven by Cisco's wxc_sdk over real HTTP (uvicorn on loopback).

wxc_sdk hard-codes ``RestSession.BASE``; an instance attribute on the session overrides it, so
every API child (``ep()`` reads ``self.BASE``) talks to the sandbox instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from wxc_sdk import WebexSimpleApi
from wxc_sdk.base import webex_id_to_uuid
from wxc_sdk.converged_recordings import (
    ConvergedRecording,
    ConvergedRecordingMeta,
    ConvergedRecordingWithDirectDownloadLinks,
    RecordingOwnerType,
)
from wxc_sdk.meetings.recordings import RecordingServiceType, RecordingStatus
from wxc_sdk.people import Person
from wxc_sdk.rest import ErrorDetail, RestError

from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.serving import serve_in_thread
from sandboxes.webex import connection_info, create_app
from sandboxes.webex.data import Store
from sandboxes.webex.ids import encode_id

ANCHOR = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
START, END = ANCHOR - timedelta(days=20), ANCHOR


@pytest.fixture(scope="module")
def app() -> Starlette:
    return create_app(SandboxConfig(seed=3, size=1200, anchor=ANCHOR, knobs=Knobs(rate_limits=False)))


@pytest.fixture(scope="module")
def base_url(app: Starlette) -> Iterator[str]:
    with serve_in_thread(app) as url:
        yield url


def _api(base_url: str, token: str = "token") -> WebexSimpleApi:
    info = connection_info(base_url)
    api = WebexSimpleApi(tokens=info[token], retry_429=False)
    api.session.BASE = info["base_url"]  # type: ignore[misc]
    return api


@pytest.fixture
def no_sdk_surprises(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """wxc_sdk logs a warning when it meets an enum value it does not know: there must be none."""
    with caplog.at_level(logging.WARNING, logger="wxc_sdk"):
        yield
    assert not [r for r in caplog.records if r.name.startswith("wxc_sdk")], caplog.text


def _store(app: Starlette) -> Store:
    store: Store = app.state.webex.store
    return store


def _get_count(base_url: str, template: str) -> int:
    counts = httpx.get(f"{base_url}/_sandbox/counts").json()["endpoints"]
    return int(counts.get(template, 0))


@pytest.mark.usefixtures("no_sdk_surprises")
def test_sdk_lists_admin_recordings_across_pages(app: Starlette, base_url: str) -> None:
    api = _api(base_url)
    before = _get_count(base_url, "GET /v1/admin/convergedRecordings")
    converged = api.converged_recordings
    # wxc_sdk's SafeEnum members type-check as plain str, hence the Any.
    owner_type: Any = RecordingOwnerType.user
    recordings = list(
        converged.list_for_admin_or_compliance_officer(
            from_=START, to_=END, owner_type=owner_type, timezone="Asia/Shanghai", max=25
        )
    )
    pages = _get_count(base_url, "GET /v1/admin/convergedRecordings") - before
    expected = [
        r.id
        for r in _store(app).recordings
        if START.timestamp() <= r.create < END.timestamp() and r.status == "available" and r.owner.kind == "user"
    ]
    assert [r.id for r in recordings] == expected
    assert pages == -(-len(expected) // 25) > 3
    first = recordings[0]
    assert isinstance(first, ConvergedRecording)
    assert first.create_time is not None and first.create_time.utcoffset() == timedelta(hours=8)
    assert first.format_ == "MP3" and first.owner_type == "user" and first.service_data is not None
    every = list(converged.list_for_admin_or_compliance_officer(from_=START, to_=END, max=100))
    assert {r.owner_type for r in every} == {"user", "place", "virtualLine", "callQueue"}
    assert {r.service_type for r in every} == {"calling", "customerAssist"}
    status: Any = RecordingStatus.deleted
    service_type: Any = RecordingServiceType.calling
    deleted = list(
        converged.list_for_admin_or_compliance_officer(from_=START, to_=END, status=status, service_type=service_type)
    )
    assert deleted and {r.status for r in deleted} == {"deleted"}


@pytest.mark.usefixtures("no_sdk_surprises")
def test_sdk_details_metadata_and_download(app: Starlette, base_url: str) -> None:
    api = _api(base_url)
    recording = next(r for r in _store(app).recordings if r.status == "available")
    details = api.converged_recordings.details(recording.id)
    assert isinstance(details, ConvergedRecordingWithDirectDownloadLinks)
    links = details.temporary_direct_download_links
    assert links is not None and links.audio_download_link and links.expiration
    audio = httpx.get(links.audio_download_link)
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
    assert len(audio.content) == details.size_bytes
    meta = api.converged_recordings.metadata(recording.id, show_all_types=True)
    assert isinstance(meta, ConvergedRecordingMeta)
    assert meta.service_data is not None and meta.service_data.call_session_id == recording.call.conversation_id
    assert meta.storage_region == recording.owner.location.region


@pytest.mark.usefixtures("no_sdk_surprises")
def test_sdk_recycle_bin_and_delete(app: Starlette, base_url: str) -> None:
    store = _store(app)
    admin, officer = _api(base_url, "admin_token"), _api(base_url)
    first, second, third = [r for r in store.recordings if r.status == "available"][5:8]
    bin_api = admin.converged_recordings
    bin_api.move_recordings_into_the_recycle_bin(recording_ids=[first.id, second.id])
    assert officer.converged_recordings.details(first.id).status == "deleted"
    bin_api.restore_recordings_from_recycle_bin(recording_ids=[first.id])
    bin_api.purge_recordings_from_recycle_bin(recording_ids=[second.id])
    assert officer.converged_recordings.details(first.id).status == "available"
    assert officer.converged_recordings.details(second.id).status == "purged"
    with pytest.raises(RestError) as hidden:  # purged recordings exist for the compliance officer only
        bin_api.restore_recordings_from_recycle_bin(recording_ids=[second.id])
    assert hidden.value.response.status_code == 404
    with pytest.raises(RestError) as conflict:
        bin_api.restore_recordings_from_recycle_bin(recording_ids=[first.id])
    assert conflict.value.response.status_code == 409
    officer.converged_recordings.delete(third.id, reason="audit", comment="sandbox test")
    with pytest.raises(RestError) as gone:
        officer.converged_recordings.details(third.id)
    assert gone.value.response.status_code == 404
    assert isinstance(gone.value.detail, ErrorDetail) and gone.value.detail.tracking_id.startswith("ROUTERGW_")


@pytest.mark.usefixtures("no_sdk_surprises")
def test_sdk_people_by_ids(app: Starlette, base_url: str) -> None:
    api = _api(base_url)
    owners = list({r.owner.uuid: r.owner for r in _store(app).recordings if r.owner.kind == "user"}.values())[:5]
    ids = [encode_id("PEOPLE", owner.uuid) for owner in owners]
    people = list(api.people.list(id_list=ids))
    assert all(isinstance(person, Person) for person in people)
    assert [webex_id_to_uuid(person.person_id) for person in people] == [owner.uuid for owner in owners]
    assert [person.emails for person in people] == [[owner.email] for owner in owners]
    assert api.people.details(ids[0]).display_name == owners[0].name


def test_sdk_user_list_and_parsed_errors(app: Starlette, base_url: str) -> None:
    user = _api(base_url, "user_token")
    mine = list(user.converged_recordings.list(from_=START, to_=END))
    assert mine and {r.owner_email for r in mine} == {_store(app).user.email}
    with pytest.raises(RestError) as forbidden:
        list(user.converged_recordings.list_for_admin_or_compliance_officer())
    assert forbidden.value.response.status_code == 403
    assert isinstance(forbidden.value.detail, ErrorDetail) and forbidden.value.description
    with pytest.raises(RestError) as bad:
        list(
            _api(base_url).converged_recordings.list_for_admin_or_compliance_officer(
                from_=START - timedelta(days=11), to_=END
            )
        )
    assert bad.value.response.status_code == 400 and "30 days" in bad.value.description
