"""Media bodies served by byte range: a header, then one block repeated up to the body's length.

`fill` is the one loop that cuts bytes ``[start, end)`` out of such a body, so any range of an
hour-long file costs only the bytes asked for. `Body` is what every sandbox serves (a WAV, an
MP3, a whole encoded file); `body_response` serves one with Content-Type, Content-Length and
single-range ``Range`` support (206 with Content-Range, 416 when unsatisfiable).
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import AsyncIterator, Iterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.http_range import parse_range

__all__ = ["Body", "Whole", "body_response", "fill"]

_CHUNK = 64 * 1024


def fill(header: bytes, block: bytes, start: int, end: int) -> bytes:
    """Bytes ``[start, end)`` of `header` followed by `block` repeated without end."""
    out = bytearray(header[start:end])
    position = max(start, len(header))
    while position < end:
        offset = (position - len(header)) % len(block)
        piece = block[offset : offset + (end - position)]
        out += piece
        position += len(piece)
    return bytes(out)


class Body(abc.ABC):
    """A file of `length` bytes: `header`, then `block` repeated, cut at `length`.

    `header` and `block` are only built on the first read, so `length` stays cheap to ask.
    """

    @property
    @abc.abstractmethod
    def content_type(self) -> str: ...

    @property
    @abc.abstractmethod
    def length(self) -> int: ...

    @property
    @abc.abstractmethod
    def header(self) -> bytes: ...

    @property
    @abc.abstractmethod
    def block(self) -> bytes: ...

    def read(self, start: int, end: int) -> bytes:
        """Bytes ``[start, end)`` of the file."""
        return fill(self.header, self.block, start, min(end, self.length))

    def pieces(self, start: int, end: int) -> Iterator[bytes]:
        """Bytes ``[start, end)`` in pieces of at most 64 KiB."""
        for offset in range(start, end, _CHUNK):
            yield self.read(offset, min(end, offset + _CHUNK))


@dataclasses.dataclass(frozen=True)
class Whole(Body):
    """A file built whole (`data`, no repeated block), typed `mime`."""

    data: bytes
    mime: str

    @property
    def content_type(self) -> str:
        return self.mime

    @property
    def length(self) -> int:
        return len(self.data)

    @property
    def header(self) -> bytes:
        return self.data

    @property
    def block(self) -> bytes:
        return b""


async def _stream(body: Body, start: int, end: int) -> AsyncIterator[bytes]:
    for piece in body.pieces(start, end):
        yield piece


def body_response(request: Request, body: Body, *, ranges: bool = True, filename: str | None = None) -> Response:
    """Serve `body`, honouring a single ``Range`` when `ranges` is on."""
    headers = {"Content-Type": body.content_type}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if ranges:
        headers["Accept-Ranges"] = "bytes"
    start, end, status = 0, body.length, 200
    if ranges and request.headers.get("range"):
        try:
            span = parse_range(request.headers["range"], body.length)
        except ValueError:
            span = (0, body.length)
        if span is None:
            return Response(status_code=416, headers={"Content-Range": f"bytes */{body.length}"})
        if span != (0, body.length):
            start, end, status = span[0], span[1], 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{body.length}"
    headers["Content-Length"] = str(end - start)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers)
    return StreamingResponse(_stream(body, start, end), status_code=status, headers=headers)
