"""The seeded recordings: `size` calls of the shared world, as GIR's recording processor POSTs them.

Each call becomes one recording whose id is a CallUUID-style 32-character base32hex string
(the call's start time, then digest bytes of the seed and the call). Per-call traits come from
that digest too, so a call looks the same whatever `size` is:

- region: the server's own for about 92%, another region for the rest;
- media: ``audio/mp3`` (GIR's default) for about 90%, ``audio/wav`` otherwise; stored on awsS3
  (about 85%) or webDAV; about 15% of calls longer than a minute are split in two files;
  about 5% are encrypted (``pkcs7``, ``certAlias``); about 10% carry a pause/resume mask;
- events: the customer (``External``) joins, the agent (``User``, the roster person's email as
  userName) joins and both leave; half the agents' Joined events carry a ``data`` map
  (``CustomerSegment`` gold/silver/bronze and a ``CaseId``) for ``userData`` searches.
"""

from __future__ import annotations

import base64
import gc
import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from gateway.store import RecordingStore
from gateway.store.engage import format_time
from sandboxes import world
from sandboxes.audio import Audio
from sandboxes.genesys_engage.state import KIND
from sandboxes.genesys_engage.storage import WEBDAV_ROOT
from sandboxes.mp3 import Mp3

__all__ = ["REGIONS", "documents", "recording_id", "seed_store"]

REGIONS = ("us-east", "us-west", "eu-central")
_SEGMENTS = ("gold", "silver", "bronze")
_GROUPS = ("/Sales", "/Support", "/Billing")
_TENANT, _IVR_PROFILE = "Environment", "CallRecProfile"
_BATCH = 2000


def _time(moment: datetime) -> str:
    """A POSTable ISO 8601 time (the store normalizes it to Engage's format on ingest)."""
    return moment.isoformat(timespec="milliseconds")


def _digest(seed: int, call_key: str) -> bytes:
    return hashlib.blake2b(f"{seed}:{call_key}:{KIND}".encode(), digest_size=40).digest()


def recording_id(seed: int, call: world.Call) -> str:
    """The CallUUID-style id (32 of ``0-9A-V``) of `call`.

    Like a real CallUUID it starts with the call's time (milliseconds, 7 bytes), so ids sort
    by start and the store's indexes grow at their end while seeding; 13 digest bytes follow.
    """
    started = int(call.start.timestamp() * 1000).to_bytes(7, "big")
    return base64.b32hexencode(started + _digest(seed, call.key)[:13]).decode()


def _descriptor(traits: bytes, region: str, start: str, media_id: str) -> dict[str, Any]:
    day = start[:10].replace("-", "/")
    if traits[3] < 38:
        return {"storage": "webDAV", "path": f"{WEBDAV_ROOT}/recordings/{day}/{media_id}"}
    return {"storage": "awsS3", "path": f"{_TENANT}/{day}/{media_id}", "data": {"bucket": f"gir-{region}"}}


def _media(
    rec_id: str, call: world.Call, traits: bytes, region: str, part: int, start: datetime, duration_ms: int
) -> dict[str, Any]:
    ext = "wav" if traits[2] < 26 else "mp3"
    codec = Audio if ext == "wav" else Mp3
    conn_id = traits[6:10].hex().upper()
    started = _time(start)
    stamp = f"{started[:10]}_{started[11:19].replace(':', '-')}"
    media_id = f"{rec_id}_{stamp}-{conn_id}-{traits[10:14].hex().upper()}-{part:08X}.{ext}"
    media: dict[str, Any] = {
        "startTime": started,
        "stopTime": _time(start + timedelta(milliseconds=duration_ms)),
        "callUUID": rec_id,
        "mediaDescriptor": _descriptor(traits, region, started, media_id),
        "mediaId": media_id,
        "type": f"audio/{ext}",
        "duration": str(duration_ms),
        "tenant": _TENANT,
        "ivrprofile": _IVR_PROFILE,
        "parameters": {
            "dnis": call.dialed,
            "ani": call.caller,
            "connId": f"006B{conn_id}",
            "dateTime": format_time(call.start),
            "recordDN": call.agent.phone,
            "agentId": call.agent.username,
        },
        "partitions": [region],
        "accessgroups": [_GROUPS[traits[11] % len(_GROUPS)]],
    }
    media["size"] = str(codec(media_id, duration_ms).length)  # what play serves (see media.audio_for)
    if traits[4] < 13:
        media["pkcs7"] = base64.b64encode(hashlib.sha512(media_id.encode()).digest() * 3).decode()
        media["certAlias"] = ["gir-recording-cert"]
    if traits[8] < 26 and duration_ms > 20_000:
        pause = start + timedelta(milliseconds=duration_ms // 4)
        media["masks"] = [
            {"time": _time(pause), "type": "paused"},
            {"time": _time(pause + timedelta(seconds=8)), "type": "resume"},
        ]
    return media


def _events(call: world.Call, traits: bytes) -> list[dict[str, Any]]:
    agent = {
        "type": "User",
        "phoneNumber": call.agent.phone,
        "userName": call.agent.email,
        "firstName": call.agent.first_name,
        "lastName": call.agent.last_name,
    }
    customer = {"type": "External", "phoneNumber": call.caller}
    joined: dict[str, Any] = {"occurredAt": _time(call.start), "contact": agent, "event": "Joined"}
    if traits[5] < 128:
        case = int.from_bytes(traits[9:12], "big") % 1_000_000
        joined["data"] = {"CustomerSegment": _SEGMENTS[traits[7] % len(_SEGMENTS)], "CaseId": f"CASE-{case:06d}"}
    ring = timedelta(seconds=3 + traits[1] % 20)
    return [
        {"occurredAt": _time(call.start - ring), "contact": customer, "event": "Joined"},
        joined,
        {"occurredAt": _time(call.end), "contact": customer, "event": "Left"},
        {"occurredAt": _time(call.end + timedelta(seconds=2)), "contact": agent, "event": "Left"},
    ]


def _document(seed: int, call: world.Call, server_region: str) -> dict[str, Any]:
    rec_id, traits = recording_id(seed, call), _digest(seed, call.key)[20:]
    region = server_region
    if traits[0] < 20:
        others = [r for r in REGIONS if r != server_region]
        region = others[traits[1] % len(others)]
    if traits[12] < 38 and call.duration_ms >= 60_000:
        first = call.duration_ms // 2
        parts = [(call.start, first), (call.start + timedelta(milliseconds=first), call.duration_ms - first)]
    else:
        parts = [(call.start, call.duration_ms)]
    return {
        "id": rec_id,
        "callerPhoneNumber": call.caller,
        "dialedPhoneNumber": call.dialed,
        "region": region,
        "mediaFiles": [_media(rec_id, call, traits, region, n, start, ms) for n, (start, ms) in enumerate(parts, 1)],
        "eventHistory": _events(call, traits),
    }


def documents(seed: int, size: int, *, anchor: datetime, region: str) -> Iterator[list[dict[str, Any]]]:
    """The `size` recordings to seed a server of `region` with, oldest first, in batches."""
    calls = world.calls(seed, size, KIND, anchor=anchor)
    for start in range(0, len(calls), _BATCH):
        yield [_document(seed, call, region) for call in calls[start : start + _BATCH]]


async def seed_store(store: RecordingStore, seed: int, size: int, *, anchor: datetime, region: str) -> None:
    """Ingest the seeded recordings through the store's Engage rules (validate and merge).

    Batches keep few documents alive at once, so memory stays flat; each batch is one
    `RecordingStore.ingest_many` transaction. The cyclic garbage collector is paused meanwhile:
    seeding allocates millions of short-lived, acyclic containers, and its passes over them
    cost about a fifth of the time.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        for batch in documents(seed, size, anchor=anchor, region=region):
            await store.ingest_many(batch)
    finally:
        if collecting:
            gc.enable()
