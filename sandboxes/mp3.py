"""Real MP3 bodies for sandbox media, encoded once per pitch with LAME (``lameenc``).

Nine seconds of the kit's tone (`Audio`) are encoded as
MPEG-2.5 layer III, 8 kHz mono at 32 kbit/s: every frame is 288 bytes and lasts 72 ms, so a
file of any length is a repetition of that encoded block, cut at a frame boundary, and any
byte range is cheap to serve. The block's first frame starts with an empty bit reservoir, so
the repeated stream decodes cleanly.
"""

from __future__ import annotations

import dataclasses
import functools

import lameenc  # type: ignore[import-not-found]  # ships no type information

from sandboxes.audio import Audio

__all__ = ["FRAME_BYTES", "FRAME_MS", "Mp3", "mp3_size"]

FRAME_BYTES = 288
FRAME_MS = 72
_BLOCK_MS = 9_000  # 125 frames of 576 samples at 8 kHz
_BITRATE_KBPS = 32


def mp3_size(duration_s: int) -> int:
    """Bytes of an MP3 lasting `duration_s` seconds (whole frames)."""
    return -(-duration_s * 1000 // FRAME_MS) * FRAME_BYTES


@functools.lru_cache(maxsize=32)
def _block(key: str) -> bytes:
    """The encoded nine-second block for `key`, trimmed to whole frames."""
    wav = Audio(key, _BLOCK_MS)
    pcm = wav.read(Audio(key, 0).length, wav.length)  # skip the WAV header
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(_BITRATE_KBPS)
    encoder.set_in_sample_rate(8000)
    encoder.set_channels(1)
    encoder.set_quality(7)
    data = bytes(encoder.encode(pcm) + encoder.flush())
    return data[: len(data) // FRAME_BYTES * FRAME_BYTES]


@dataclasses.dataclass(frozen=True)
class Mp3(Audio):
    """An MP3 file of `duration_ms` (rounded up to whole frames), pitched by `key`."""

    @property
    def content_type(self) -> str:
        return "audio/mpeg"

    @property
    def length(self) -> int:
        return -(-self.duration_ms // FRAME_MS) * FRAME_BYTES

    def read(self, start: int, end: int) -> bytes:
        """Bytes ``[start, end)`` of the file."""
        block = _block(self.key)
        out = bytearray()
        position, stop = start, min(end, self.length)
        while position < stop:
            offset = position % len(block)
            piece = block[offset : offset + (stop - position)]
            out += piece
            position += len(piece)
        return bytes(out)
