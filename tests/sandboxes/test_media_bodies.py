"""The kit's media bodies: any byte range is a slice of the whole file, and the MP3 decodes."""

from __future__ import annotations

import io
import wave

import av
import pytest

from sandboxes.audio import Audio
from sandboxes.body import Body, Whole, fill
from sandboxes.mp3 import FRAME_BYTES, FRAME_MS, Mp3, mp3_size


def test_fill_repeats_the_block_after_the_header() -> None:
    assert fill(b"HEAD", b"abc", 0, 12) == b"HEADabcabcab"
    assert fill(b"HEAD", b"abc", 2, 9) == b"ADabcab"
    assert fill(b"HEAD", b"abc", 8, 11) == b"bca"
    assert fill(b"", b"abc", 4, 8) == b"bcab"
    assert fill(b"HEAD", b"abc", 5, 5) == b""


@pytest.mark.parametrize(
    "body", [Audio("r-1", 2_500), Audio("r-1", 2_500, "mulaw"), Mp3("r-1", 20_000), Whole(b"0123456789", "x/y")]
)
def test_every_range_is_a_slice_of_the_whole(body: Body) -> None:
    whole = body.read(0, body.length)
    assert len(whole) == body.length == sum(len(piece) for piece in body.pieces(0, body.length))
    assert b"".join(body.pieces(0, body.length)) == whole
    for start, end in [(0, 1), (3, 47), (40, 20_000), (body.length - 5, body.length + 100), (17, 16)]:
        assert body.read(start, end) == whole[start:end]


def test_wav_header_matches_its_samples() -> None:
    with wave.open(io.BytesIO(Audio("r-2", 1_500).read(0, 10**9))) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getnframes()) == (8000, 1, 2, 12_000)


def test_mp3_is_constant_frames_that_decode_across_repeats() -> None:
    mp3 = Mp3("r-3", 30_000)  # over three nine-second blocks
    body = mp3.read(0, mp3.length)
    assert mp3.content_type == "audio/mpeg" and mp3.length == mp3_size(30) == len(body)
    assert all(body[i] == 0xFF and body[i + 1] & 0xE0 == 0xE0 for i in range(0, len(body), FRAME_BYTES))
    with av.open(io.BytesIO(body)) as container:
        stream = container.streams.audio[0]
        assert (stream.codec_context.sample_rate, stream.codec_context.bit_rate) == (8000, 32_000)
        samples = sum(frame.samples for frame in container.decode(stream))
    assert samples == len(body) // FRAME_BYTES * FRAME_MS * 8
    # A range starting on any frame boundary is itself a playable file.
    with av.open(io.BytesIO(mp3.read(FRAME_BYTES * 200, FRAME_BYTES * 260))) as container:
        assert sum(frame.samples for frame in container.decode(audio=0)) == 60 * FRAME_MS * 8


def test_pitch_follows_the_key() -> None:
    assert Mp3("r-4", 1_000).read(0, 2_000) == Mp3("r-4", 5_000).read(0, 2_000)
    assert Mp3("r-4", 1_000).block != Mp3("r-5", 1_000).block
    assert Audio("r-4", 1_000).block != Audio("r-5", 1_000).block
