"""Deleting a recording's media from the storage its descriptor names.

``awsS3`` media live in the gateway's embedded object storage (one folder per bucket under
``Settings.object_root``); ``webDAV`` media are deleted with an HTTP DELETE on their URL. A
media file that is already gone counts as deleted.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import httpx

__all__ = ["MediaDeletionFailure", "MediaRemover"]


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

    def object_path(self, bucket: str, key: str) -> Path:
        """Where an awsS3 object lives in the embedded storage; refuses keys that escape the bucket."""
        relative = PurePosixPath(key.lstrip("/"))
        if ".." in relative.parts or "/" in bucket or bucket in ("", ".", ".."):
            raise ValueError(f"unsafe object location {bucket}/{key}")
        return self.object_root / bucket / relative

    async def _remove(self, descriptor: Mapping[str, Any]) -> None:
        if descriptor["storage"] == "awsS3":
            path = self.object_path(descriptor["data"]["bucket"], descriptor["path"])
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
