"""The vendor's own python SDK (``bandwidth-sdk`` 3.1.0, the Catapult v1 client) against the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import bandwidth  # type: ignore[import-untyped]
import pytest
from bandwidth.account import BandwidthAccountAPIException  # type: ignore[import-untyped]
from bandwidth.voice import BandwidthVoiceAPIException  # type: ignore[import-untyped]

from sandboxes.bandwidth import CatapultSettings, connection_info, create_app
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.serving import serve_in_thread

SIZE = 60


@pytest.fixture(scope="module")
def info() -> Iterator[dict[str, str]]:
    config = SandboxConfig(seed=3, size=SIZE, anchor=datetime(2025, 3, 1, tzinfo=UTC), knobs=Knobs(rate_limits=False))
    with serve_in_thread(create_app(config, CatapultSettings(in_progress=0))) as base_url:
        yield connection_info(base_url)


def _client(kind: str, info: dict[str, str], secret: str | None = None) -> Any:
    return bandwidth.client(
        kind, info["user_id"], info["api_token"], secret or info["api_secret"], api_endpoint=info["base_url"]
    )


def test_sdk_lists_every_recording_across_pages(info: dict[str, str]) -> None:
    voice = _client("voice", info)
    recordings = list(voice.list_recordings(size=25))
    assert len(recordings) == SIZE and len({r["id"] for r in recordings}) == SIZE
    for recording in recordings:
        assert recording["media_name"] == recording["media"].rsplit("/", 1)[-1]
        assert recording["state"] in {"complete", "error"}
        assert recording["end_time"] > recording["start_time"]


def test_sdk_gets_recording_call_and_call_recordings(info: dict[str, str]) -> None:
    voice = _client("voice", info)
    first = next(iter(voice.list_recordings(size=5)))
    recording = voice.get_recording(first["id"])
    assert recording == first
    call_id = recording["call"].rsplit("/", 1)[-1]
    call = voice.get_call(call_id)
    assert call["id"] == call_id and call["state"] == "completed"
    assert call["recording_file_format"] in {"wav", "mp3"} and call["from"] and call["to"]
    assert [r["id"] for r in voice.list_call_recordings(call_id)] == [recording["id"]]


def test_sdk_lists_and_downloads_media(info: dict[str, str]) -> None:
    account = _client("account", info)
    media = list(account.list_media_files())
    assert len(media) == len({m["media_name"] for m in media}) > 25
    for item in (next(m for m in media if m["media_name"].endswith(ext)) for ext in (".wav", ".mp3")):
        stream, content_type = account.download_media_file(item["media_name"])
        assert content_type == ("audio/wav" if item["media_name"].endswith(".wav") else "audio/mpeg")
        assert len(stream.read()) == item["content_length"]


def test_sdk_reads_vendor_errors(info: dict[str, str]) -> None:
    with pytest.raises(BandwidthVoiceAPIException) as missing:
        _client("voice", info).get_recording("rec-missing")
    assert missing.value.status_code == 404 and missing.value.code == "recording-not-found"
    assert missing.value.message == "The recording rec-missing could not be found"
    with pytest.raises(BandwidthVoiceAPIException) as denied:
        list(_client("voice", info, secret="wrong").list_recordings())
    assert denied.value.status_code == 401 and denied.value.code == "unauthorized"
    with pytest.raises(BandwidthAccountAPIException) as media:
        list(_client("account", info, secret="wrong").list_media_files())
    assert media.value.status_code == 401
