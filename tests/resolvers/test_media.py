"""Media through the gateway: signed links, checked at download, streamed with Range."""

from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.datastructures import Secret

from gateway.app import create_app
from gateway.config import Settings
from gateway.context import Principal
from gateway.errors import Forbidden
from gateway.media import MediaLinks, MediaTicket
from gateway.models import MediaFormat
from tests.graphql import gql

AUDIO = bytes(range(256)) * 40
MEDIA = "{ recordings { nodes { media { url expiresAt } mediaFiles { download(format: MP3) { url } } } } }"


async def ingest_with_object(client: httpx.AsyncClient, root: Path, recording: dict) -> dict:
    stored = root / "stage-recordings" / "FTtests" / "sample1.mp3"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(AUDIO)
    await gql(client, "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }", r=recording)
    body = await gql(client, MEDIA)
    assert "errors" not in body, body
    node: dict = body["data"]["recordings"]["nodes"][0]
    return node


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_local_media_downloads_whole_and_by_range(gateway, settings, seed_recording):
    node = await ingest_with_object(gateway, settings.object_root, seed_recording)
    url = node["media"]["url"]
    assert url.startswith("http://gateway/media/")
    whole = await gateway.get(url)
    assert whole.status_code == 200 and whole.content == AUDIO
    assert whole.headers["content-type"] == "audio/wav" and whole.headers["content-length"] == str(len(AUDIO))
    part = await gateway.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == AUDIO[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(AUDIO)}"
    assert (await gateway.get(url, headers={"Range": f"bytes={len(AUDIO)}-"})).status_code == 416
    other_format = await gateway.get(node["mediaFiles"][0]["download"]["url"])
    assert other_format.status_code == 415 and other_format.json()["code"] == "UNSUPPORTED"


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_tampered_and_expired_links_are_refused(tmp_path, store_url, seed_recording):
    settings = Settings(data_dir=tmp_path, store_url=store_url, cursor_secret=Secret("s"), media_link_ttl_s=-1)
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway") as client,
    ):
        node = await ingest_with_object(client, settings.object_root, seed_recording)
        expired = await client.get(node["media"]["url"])
        assert expired.status_code == 403 and expired.json()["error"] == "the media link is expired"
        tampered = await client.get(node["media"]["url"][:-3] + "AAA")
        assert tampered.status_code == 403 and tampered.json()["error"] == "the media link is invalid"


def test_a_link_only_works_for_the_principal_it_was_issued_to():
    links = MediaLinks("secret", ttl_s=60)
    token, _ = links.issue(MediaTicket("local", "R1", "F1", MediaFormat.WAV, "alice"))
    assert links.check(token, Principal("alice", frozenset())).recording_id == "R1"
    with pytest.raises(Forbidden, match="issued to someone else"):
        links.check(token, Principal("mallory", frozenset()))
