"""What the sandboxes' media cost to serve: first read per pitch, any byte range, whole encodes.

    .venv/bin/python bench/sandbox_media.py [MINUTES]      (default 60)

For a recording of `MINUTES`, prints the milliseconds of: the first read of a WAV and an MP3
(one second of samples, or one encoded nine-second block, per pitch), a 1 MiB range from the
middle once that is cached, and the whole-file encodes Genesys Cloud makes for OGG and WEBM
(tens of seconds at 60 minutes: those containers cannot repeat a block).
"""

from __future__ import annotations

import sys
import time

from sandboxes.audio import Audio
from sandboxes.body import Body
from sandboxes.genesys_cloud.encoding import FORMATS, encode_whole
from sandboxes.mp3 import Mp3

RANGE_BYTES = 1 << 20


def read_ms(body: Body, start: int, end: int) -> float:
    """Milliseconds `body.read(start, end)` takes."""
    started = time.perf_counter()
    body.read(start, end)
    return (time.perf_counter() - started) * 1000


def main(minutes: int) -> None:
    duration_ms = minutes * 60_000
    print(f"sandbox media, one {minutes}-minute recording")
    bodies: dict[str, Body] = {"WAV": Audio("bench-wav", duration_ms), "MP3": Mp3("bench-mp3", duration_ms)}
    for name, body in bodies.items():
        first = read_ms(body, 0, 1)
        ranged = read_ms(body, body.length // 2, body.length // 2 + RANGE_BYTES)
        print(f"  {name:10} {body.length / 1e6:7.1f} MB   first read {first:7.1f} ms   1 MiB range {ranged:6.1f} ms")
    for format_id, spec in FORMATS.items():
        if spec.codec is not None:
            started = time.perf_counter()
            size = len(encode_whole(f"bench-{format_id}", duration_ms, spec.codec))
            spent = (time.perf_counter() - started) * 1000
            print(f"  {format_id:10} {size / 1e6:7.1f} MB   whole encode {spent:7.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
