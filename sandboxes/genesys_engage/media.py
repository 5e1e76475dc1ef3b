"""The bytes behind a ``mediaUri``: real MP3 or WAV audio per the media file's ``type``.

GWS proxies the stored media itself (assumed: 200 with the whole body and Content-Length,
no redirect, no Range support). The body is synthesized from the file's metadata: an MP3
(`Mp3`) for ``audio/mp3``, a 16-bit PCM WAV (`Audio`) for ``audio/wav``, lasting
``duration`` ms, with the file's ``type`` as Content-Type. A file with ``pkcs7`` is served
as stored, still encrypted: the same length, every byte scrambled with a key stream, so it
does not decode; decryption belongs to the Recording Crypto Server.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.store.engage import parse_time
from sandboxes.audio import Audio
from sandboxes.body import Body, body_response, fill
from sandboxes.mp3 import Mp3

__all__ = ["audio_for", "extension", "play_response"]

_EXTENSIONS = {
    "mp3": "mp3",
    "mpeg": "mp3",
    "mpeg3": "mp3",
    "x-mp3": "mp3",
    "wav": "wav",
    "x-wav": "wav",
    "wave": "wav",
    "vnd.wave": "wav",
}
_PAD_BYTES = 64 * 1024


def extension(media: Mapping[str, Any]) -> str:
    """The file extension of ``mediaUri``: from ``type``, else the stored path, else ``mp3``."""
    subtype = str(media.get("type") or "").lower().rpartition("/")[2]
    if subtype in _EXTENSIONS:
        return _EXTENSIONS[subtype]
    suffix = str((media.get("mediaDescriptor") or {}).get("path", "")).rpartition(".")[2].lower()
    return _EXTENSIONS.get(suffix, "mp3")


def _duration_ms(media: Mapping[str, Any]) -> int:
    duration = str(media.get("duration") or "")
    if duration.isdigit():
        return int(duration)
    return int((parse_time(media["stopTime"]) - parse_time(media["startTime"])).total_seconds() * 1000)


def audio_for(media: Mapping[str, Any]) -> Body:
    """The audio of a media file, pitched by its ``mediaId`` (or ``callUUID``)."""
    key, duration_ms = str(media.get("mediaId") or media["callUUID"]), _duration_ms(media)
    return Audio(key, duration_ms) if extension(media) == "wav" else Mp3(key, duration_ms)


async def _sealed(audio: Body, key: str) -> AsyncIterator[bytes]:
    """`audio` XORed with a key stream: a 64 KiB pad derived from `key`, repeated."""
    pad = hashlib.shake_256(f"pkcs7:{key}".encode()).digest(_PAD_BYTES)
    offset = 0
    for chunk in audio.pieces(0, audio.length):
        stream = fill(b"", pad, offset, offset + len(chunk))
        yield (int.from_bytes(chunk, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(chunk), "big")
        offset += len(chunk)


def play_response(request: Request, media: Mapping[str, Any]) -> Response:
    """The whole media file (or its headers, for HEAD), Content-Type from the file's ``type``."""
    audio = audio_for(media)
    content_type = str(media.get("type") or audio.content_type)
    if not media.get("pkcs7"):
        response = body_response(request, audio, ranges=False)
        response.headers["Content-Type"] = content_type
        return response
    headers = {"Content-Type": content_type, "Content-Length": str(audio.length)}
    if request.method == "HEAD":
        return Response(headers=headers)
    return StreamingResponse(_sealed(audio, str(media["pkcs7"])), headers=headers)
