"""Real, decodable audio for sandbox media downloads, generated deterministically.

Audio is a two-tone signal whose pitch derives from a key (the recording id), 8 kHz mono,
as 16-bit PCM WAV or 8-bit mu-law WAV. Bodies are never built whole: one second of samples is
computed once and repeated, so any byte range of an hour-long file is cheap to serve.
`audio_response` serves a body with Content-Type, Content-Length and single-range `Range`
support (206 with Content-Range, 416 when unsatisfiable).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
import struct
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.http_range import parse_range

__all__ = ["Audio", "audio_response"]

RATE = 8000
_CHUNK = 64 * 1024


def _mulaw(sample: int) -> int:
    """G.711 mu-law encoding of one 16-bit sample."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent = max(0, magnitude.bit_length() - 8)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


@functools.lru_cache(maxsize=64)
def _second_of_samples(pitch_hz: int, encoding: str) -> bytes:
    samples = [
        int(
            9000 * math.sin(2 * math.pi * pitch_hz * n / RATE)
            + 4000 * math.sin(2 * math.pi * pitch_hz * 1.5 * n / RATE)
        )
        for n in range(RATE)
    ]
    if encoding == "mulaw":
        return bytes(_mulaw(s) for s in samples)
    return struct.pack(f"<{RATE}h", *samples)


@dataclasses.dataclass(frozen=True)
class Audio:
    """A WAV file of `duration_ms`, PCM (`"pcm"`) or mu-law (`"mulaw"`), pitched by `key`."""

    key: str
    duration_ms: int
    encoding: str = "pcm"

    @property
    def content_type(self) -> str:
        return "audio/wav"

    @property
    def _bytes_per_sample(self) -> int:
        return 2 if self.encoding == "pcm" else 1

    @property
    def _data_length(self) -> int:
        return RATE * self.duration_ms // 1000 * self._bytes_per_sample

    @functools.cached_property
    def _header(self) -> bytes:
        width = self._bytes_per_sample
        format_tag, bits = (1, 16) if self.encoding == "pcm" else (7, 8)
        fmt = struct.pack("<HHIIHH", format_tag, 1, RATE, RATE * width, width, bits)
        data = self._data_length
        return (
            b"RIFF"
            + struct.pack("<I", 4 + 8 + len(fmt) + 8 + data)
            + b"WAVE"
            + b"fmt "
            + struct.pack("<I", len(fmt))
            + fmt
            + b"data"
            + struct.pack("<I", data)
        )

    @property
    def length(self) -> int:
        return len(self._header) + self._data_length

    def _second(self) -> bytes:
        pitch = 220 + int.from_bytes(hashlib.blake2b(self.key.encode(), digest_size=2).digest(), "big") % 440
        return _second_of_samples(pitch, self.encoding)

    def read(self, start: int, end: int) -> bytes:
        """Bytes ``[start, end)`` of the file."""
        header = self._header
        out = bytearray(header[start:end])
        begin, stop = max(start, len(header)) - len(header), min(end, self.length) - len(header)
        second = self._second()
        while begin < stop:
            offset = begin % len(second)
            piece = second[offset : offset + (stop - begin)]
            out += piece
            begin += len(piece)
        return bytes(out)

    async def iter_bytes(self, start: int, end: int) -> AsyncIterator[bytes]:
        for offset in range(start, end, _CHUNK):
            yield self.read(offset, min(end, offset + _CHUNK))


def audio_response(request: Request, audio: Audio, *, ranges: bool = True, filename: str | None = None) -> Response:
    """Serve `audio`, honouring a single ``Range`` when `ranges` is on."""
    headers = {"Content-Type": audio.content_type}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if ranges:
        headers["Accept-Ranges"] = "bytes"
    start, end, status = 0, audio.length, 200
    if ranges and request.headers.get("range"):
        try:
            span = parse_range(request.headers["range"], audio.length)
        except ValueError:
            span = (0, audio.length)
        if span is None:
            return Response(status_code=416, headers={"Content-Range": f"bytes */{audio.length}"})
        if span != (0, audio.length):
            start, end, status = span[0], span[1], 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{audio.length}"
    headers["Content-Length"] = str(end - start)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers)
    return StreamingResponse(audio.iter_bytes(start, end), status_code=status, headers=headers)
