"""Real MP3 bodies for sandbox media, encoded once per pitch with the kit's encoder (PyAV, LAME).

Nineteen seconds of the kit's tone are encoded as MPEG-2.5 layer III, 8 kHz mono at 32 kbit/s,
without the bit reservoir, ID3 tag or Xing frame: every frame is 288 bytes, lasts 72 ms and
decodes on its own. The second nine seconds (125 frames, past the encoder's start-up) are the
block a file of any length repeats, cut at a frame boundary, so any byte range is cheap.
"""

from __future__ import annotations

import dataclasses
import functools

from sandboxes.audio import pitch, second_of_samples
from sandboxes.body import Body
from sandboxes.encoder import Codec, encode

__all__ = ["FRAME_BYTES", "FRAME_MS", "Mp3", "mp3_size"]

FRAME_BYTES = 288
FRAME_MS = 72
_MP3 = Codec(
    "mp3",
    "libmp3lame",
    32_000,
    codec_options=(("reservoir", "0"),),
    container_options=(("id3v2_version", "0"), ("write_xing", "0")),
)
_BLOCK_S = 9  # 125 frames of 576 samples at 8 kHz
_BLOCK_BYTES = _BLOCK_S * 1000 // FRAME_MS * FRAME_BYTES


def mp3_size(duration_s: int) -> int:
    """Bytes of an MP3 lasting `duration_s` seconds (whole frames)."""
    return -(-duration_s * 1000 // FRAME_MS) * FRAME_BYTES


@functools.lru_cache(maxsize=64)
def _block(pitch_hz: int) -> bytes:
    """Frames 125 to 249 of the tone at `pitch_hz`: past the encoder's start, before its end."""
    data = encode([second_of_samples(pitch_hz) * (2 * _BLOCK_S + 1)], _MP3)
    return data[_BLOCK_BYTES : 2 * _BLOCK_BYTES]


@dataclasses.dataclass(frozen=True)
class Mp3(Body):
    """An MP3 file of `duration_ms` (rounded up to whole frames), pitched by `key`."""

    key: str
    duration_ms: int

    @property
    def content_type(self) -> str:
        return "audio/mpeg"

    @property
    def length(self) -> int:
        return -(-self.duration_ms // FRAME_MS) * FRAME_BYTES

    @property
    def header(self) -> bytes:
        return b""

    @property
    def block(self) -> bytes:
        return _block(pitch(self.key))
