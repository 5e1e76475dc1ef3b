"""The one audio encoder of the sandboxes: the kit's 8 kHz PCM into any FFmpeg format, with PyAV.

A `Codec` names an FFmpeg container and codec with their options; `encode` runs 16-bit mono
PCM through it and returns the file's bytes. PyAV converts the samples to the codec's own
sample format and layout. Encoding is CPU-bound: run long inputs in a thread.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable

import av

from sandboxes.audio import RATE

__all__ = ["Codec", "encode"]


@dataclasses.dataclass(frozen=True)
class Codec:
    """An FFmpeg container and codec, with the bit rate and the options to open them with."""

    container: str
    codec: str
    bit_rate: int
    layout: str = "mono"
    codec_options: tuple[tuple[str, str], ...] = ()
    container_options: tuple[tuple[str, str], ...] = ()


def encode(pcm: Iterable[bytes], codec: Codec) -> bytes:
    """The pieces of 16-bit mono PCM at 8 kHz in `pcm`, encoded as one `codec` file."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=codec.container, options=dict(codec.container_options)) as output:
        stream = output.add_stream(codec.codec, rate=RATE, layout=codec.layout)
        assert isinstance(stream, av.AudioStream)
        stream.codec_context.bit_rate = codec.bit_rate
        stream.codec_context.options = dict(codec.codec_options)
        for piece in pcm:
            frame = av.AudioFrame(format="s16", layout="mono", samples=len(piece) // 2)
            frame.planes[0].update(piece)
            frame.sample_rate = RATE
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return buffer.getvalue()
