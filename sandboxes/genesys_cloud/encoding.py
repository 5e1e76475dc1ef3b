"""The media formats a ``formatId`` names, and the body served for each.

WAV and WAV_ULAW are the kit's `Audio` and MP3 the kit's `Mp3`: a repeated block, so a file of
any length costs nothing up front. OGG Vorbis, OGG Opus and WEBM carry running positions in
every page or cluster, so they cannot repeat a block: they are encoded whole, with the kit's
encoder, from the same 8 kHz signal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType

from ..audio import Audio
from ..body import Body
from ..encoder import Codec, encode
from ..mp3 import Mp3

__all__ = ["FORMATS", "MediaFormat", "encode_whole", "repeated_body"]


@dataclasses.dataclass(frozen=True)
class MediaFormat:
    """How one ``formatId`` is stored and served; `codec` is set for formats encoded whole."""

    extension: str
    content_type: str
    codec: Codec | None = None


FORMATS: Mapping[str, MediaFormat] = MappingProxyType(
    {
        "WAV": MediaFormat("wav", "audio/wav"),
        "WAV_ULAW": MediaFormat("wav", "audio/wav"),
        "MP3": MediaFormat("mp3", "audio/mpeg"),
        "OGG_VORBIS": MediaFormat(
            "ogg", "audio/ogg", Codec("ogg", "vorbis", 32_000, "stereo", codec_options=(("strict", "experimental"),))
        ),
        "OGG_OPUS": MediaFormat("opus", "audio/ogg", Codec("ogg", "libopus", 16_000)),
        "WEBM": MediaFormat("webm", "audio/webm", Codec("webm", "libopus", 16_000)),
    }
)


def repeated_body(media_id: str, duration_ms: int, format_id: str) -> Body:
    """The body of a format without a codec (WAV, WAV_ULAW, MP3), pitched by `media_id`."""
    if format_id == "MP3":
        return Mp3(media_id, duration_ms)
    return Audio(media_id, duration_ms, "mulaw" if format_id == "WAV_ULAW" else "pcm")


def encode_whole(media_id: str, duration_ms: int, codec: Codec) -> bytes:
    """The whole file of `media_id`'s tone in `codec`. CPU-bound: run it in a thread."""
    pcm = Audio(media_id, duration_ms)
    return encode(pcm.pieces(len(pcm.header), pcm.length), codec)
