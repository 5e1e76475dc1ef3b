"""Real, decodable audio for sandbox media downloads, generated deterministically.

Audio is a two-tone signal whose pitch derives from a key (the recording id), 8 kHz mono.
`Audio` is that tone as a 16-bit PCM or 8-bit mu-law WAV: one second of samples is computed
once per pitch and repeated after the header, so any byte range of an hour-long file is cheap.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
import struct

from sandboxes.body import Body

__all__ = ["RATE", "Audio", "pitch", "second_of_samples"]

RATE = 8000


def pitch(key: str) -> int:
    """The tone's base pitch in Hz for `key`: one of 440 values from 220 Hz."""
    return 220 + int.from_bytes(hashlib.blake2b(key.encode(), digest_size=2).digest(), "big") % 440


def _mulaw(sample: int) -> int:
    """G.711 mu-law encoding of one 16-bit sample."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent = max(0, magnitude.bit_length() - 8)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


@functools.lru_cache(maxsize=64)
def second_of_samples(pitch_hz: int, encoding: str = "pcm") -> bytes:
    """One second of the tone at `pitch_hz`: 16-bit little-endian PCM, or mu-law bytes."""
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
class Audio(Body):
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
    def header(self) -> bytes:
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
    def block(self) -> bytes:
        return second_of_samples(pitch(self.key), self.encoding)

    @property
    def length(self) -> int:
        return len(self.header) + self._data_length
