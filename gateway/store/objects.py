"""Reading and deleting a recording's media in the storage its descriptor names.

``awsS3`` media live in the gateway's embedded object storage (one folder per bucket under
``Settings.object_root``); ``webDAV`` media are read with GET and deleted with DELETE on their
URL. A media file that is already gone counts as deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import httpx

from gateway.errors import NotFound
from gateway.http_range import parse_range
from gateway.models import MediaStream

__all__ = ["MediaDeletionFailure", "MediaReader", "MediaRemover", "object_path"]

_CHUNK = 64 * 1024


def object_path(root: Path, bucket: str, key: str) -> Path:
    """Where an awsS3 object lives in the embedded storage; refuses keys that escape the bucket."""
    relative = PurePosixPath(key.lstrip("/"))
    if ".." in relative.parts or "/" in bucket or bucket in ("", ".", ".."):
        raise ValueError(f"unsafe object location {bucket}/{key}")
    return root / bucket / relative


@dataclasses.dataclass(frozen=True)
class MediaDeletionFailure:
    file_id: str
    media_id: str | None
    descriptor: Mapping[str, Any]
    message: str


class MediaRemover:
    """Removes media files from awsS3 (embedded object storage) or webDAV."""

    def __init__(self, object_root: Path, http: httpx.AsyncClient) -> None:
        self.object_root = object_root
        self.http = http

    async def _remove(self, descriptor: Mapping[str, Any]) -> None:
        if descriptor["storage"] == "awsS3":
            path = object_path(self.object_root, descriptor["data"]["bucket"], descriptor["path"])
            await asyncio.to_thread(path.unlink, missing_ok=True)
            return
        response = await self.http.delete(descriptor["path"])
        if response.status_code != 404:
            response.raise_for_status()

    async def remove_all(self, media_files: Sequence[Mapping[str, Any]]) -> list[MediaDeletionFailure]:
        """Try to delete every media file; return the ones that could not be deleted."""

        async def attempt(media: Mapping[str, Any]) -> MediaDeletionFailure | None:
            descriptor = media["mediaDescriptor"]
            try:
                await self._remove(descriptor)
            except (httpx.HTTPError, OSError, ValueError) as exc:
                reason = f"HTTP {exc.response.status_code}" if isinstance(exc, httpx.HTTPStatusError) else str(exc)
                message = f"Fail to send request deleting {descriptor['path']}: {reason or type(exc).__name__}"
                return MediaDeletionFailure(media["fileId"], media.get("mediaId"), descriptor, message)
            return None

        results = await asyncio.gather(*(attempt(media) for media in media_files))
        return [failure for failure in results if failure is not None]


class MediaReader:
    """Streams media from awsS3 (embedded object storage, with Range) or webDAV (Range passed on)."""

    def __init__(self, object_root: Path, http: httpx.AsyncClient) -> None:
        self.object_root = object_root
        self.http = http

    @contextlib.asynccontextmanager
    async def open(
        self, descriptor: Mapping[str, Any], mime_type: str, byte_range: str | None
    ) -> AsyncIterator[MediaStream]:
        if descriptor["storage"] == "awsS3":
            try:
                path = object_path(self.object_root, descriptor["data"]["bucket"], descriptor["path"])
                size = (await asyncio.to_thread(path.stat)).st_size
            except (OSError, ValueError) as exc:
                raise NotFound("the media file is not in storage") from exc
            yield _file_stream(path, size, mime_type, byte_range)
            return
        headers = {"Range": byte_range} if byte_range else {}
        try:
            async with self.http.stream("GET", descriptor["path"], headers=headers) as response:
                if response.status_code >= 400:
                    raise NotFound(f"the media file is not in storage ({response.status_code})")
                yield MediaStream(response.status_code, dict(response.headers), response.aiter_bytes())
        except httpx.HTTPError as exc:
            raise NotFound(f"the media storage cannot be reached ({type(exc).__name__})") from exc


def _file_stream(path: Path, size: int, mime_type: str, byte_range: str | None) -> MediaStream:
    start, end, status = 0, size, 200
    headers = {"content-type": mime_type, "accept-ranges": "bytes"}
    if byte_range:
        try:
            span = parse_range(byte_range, size)
        except ValueError:
            span = (0, size)
        if span is None:
            return MediaStream(416, {"content-range": f"bytes */{size}"}, _nothing())
        if span != (0, size):
            start, end, status = span[0], span[1], 206
            headers["content-range"] = f"bytes {start}-{end - 1}/{size}"
    headers["content-length"] = str(end - start)
    return MediaStream(status, headers, _read(path, start, end))


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield  # pragma: no cover


async def _read(path: Path, start: int, end: int) -> AsyncIterator[bytes]:
    with await asyncio.to_thread(path.open, "rb") as handle:
        await asyncio.to_thread(handle.seek, start)
        position = start
        while position < end:
            chunk = await asyncio.to_thread(handle.read, min(_CHUNK, end - position))
            if not chunk:
                return
            position += len(chunk)
            yield chunk
