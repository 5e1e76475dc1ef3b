"""Compressed media formats (MP3, OGG Vorbis, OGG Opus, WEBM) encoded from the kit's audio.

WAV and WAV_ULAW come straight from `Audio`; the other formats are encoded with PyAV
(FFmpeg) from the same 8 kHz signal. `EncodedAudio` lets `audio_response` serve the bytes
with Range support.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping
from types import MappingProxyType

from ..audio import RATE, Audio

__all__ = ["FORMATS", "EncodedAudio", "MediaFormat", "encode"]


@dataclasses.dataclass(frozen=True)
class MediaFormat:
    """How one ``formatId`` is stored and served."""

    extension: str
    content_type: str
    container: str | None = None
    codec: str | None = None
    layout: str = "mono"


FORMATS: Mapping[str, MediaFormat] = MappingProxyType(
    {
        "WAV": MediaFormat("wav", "audio/wav"),
        "WAV_ULAW": MediaFormat("wav", "audio/wav"),
        "MP3": MediaFormat("mp3", "audio/mpeg", "mp3", "libmp3lame"),
        "OGG_VORBIS": MediaFormat("ogg", "audio/ogg", "ogg", "vorbis", "stereo"),
        "OGG_OPUS": MediaFormat("opus", "audio/ogg", "ogg", "libopus"),
        "WEBM": MediaFormat("webm", "audio/webm", "webm", "libopus"),
    }
)
_CHUNK_S = 10


@dataclasses.dataclass(frozen=True)
class EncodedAudio(Audio):
    """Already-encoded bytes, served like `Audio` (same Range handling)."""

    data: bytes = b""
    mime: str = "application/octet-stream"

    @property
    def content_type(self) -> str:
        return self.mime

    @property
    def length(self) -> int:
        return len(self.data)

    def read(self, start: int, end: int) -> bytes:
        return self.data[start:end]


def encode(audio: Audio, media_format: MediaFormat) -> bytes:
    """`audio` (PCM) encoded into `media_format`'s container and codec. CPU-bound: run in a thread."""
    import av  # deferred: FFmpeg loads only when a compressed format is asked for

    assert media_format.container and media_format.codec
    pcm = Audio(audio.key, audio.duration_ms, "pcm")
    header = pcm.length - RATE * pcm.duration_ms // 1000 * 2
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=media_format.container) as output:
        stream = output.add_stream(media_format.codec, rate=RATE, layout=media_format.layout)
        assert isinstance(stream, av.AudioStream)
        stream.codec_context.bit_rate = 16_000 * (2 if media_format.layout == "stereo" else 1)
        stream.codec_context.options = {"strict": "experimental"}
        sample_format = stream.codec_context.format
        resampler = av.AudioResampler(format=sample_format.name, layout=media_format.layout, rate=RATE)
        step = RATE * 2 * _CHUNK_S
        for offset in range(header, pcm.length, step):
            chunk = pcm.read(offset, min(pcm.length, offset + step))
            frame = av.AudioFrame(format="s16", layout="mono", samples=len(chunk) // 2)
            frame.planes[0].update(chunk)
            frame.sample_rate = RATE
            for resampled in resampler.resample(frame):
                output.mux(stream.encode(resampled))
        for resampled in resampler.resample(None):
            output.mux(stream.encode(resampled))
        output.mux(stream.encode(None))
    return buffer.getvalue()
