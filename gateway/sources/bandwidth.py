"""Bandwidth Catapult v1: one user's call recordings.

Catapult lists recordings newest first with ``page``/``size`` and filters nothing, so every
criterion is applied by the gateway; positions are ``[page, skip]`` at a fixed page size.
Caller and dialed numbers live on the call resource, loaded on demand (``call_id``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

import httpx

from gateway.config import SourceConfig
from gateway.errors import NotFound, Unsupported
from gateway.models import (
    CallDetails,
    MediaFile,
    MediaFormat,
    MediaStream,
    Recording,
    RecordingKind,
    RecordingState,
    SourceKind,
)
from gateway.query import Capability, Page, RecordingSearch, SortField
from gateway.sources.base import CallSource, MediaSource, Source
from gateway.sources.registry import SourceDeps, upstream_for
from gateway.sources.upstream import Dialect, Upstream
from gateway.sources.upstream.pacer import RateLimit

__all__ = ["BandwidthSource", "CatapultDialect"]

_STATES = {
    "recording": RecordingState.RECORDING,
    "saving": RecordingState.PROCESSING,
    "complete": RecordingState.AVAILABLE,
    "error": RecordingState.ERROR,
}
_FORMATS = {"wav": (MediaFormat.WAV, "audio/wav"), "mp3": (MediaFormat.MP3, "audio/mpeg")}


class CatapultDialect(Dialect):
    """Catapult limits each resource family (recordings, calls, media) to 1 request a second per
    API token: the rate key is the credentials and the family, the path segment after the user."""

    rate_limit = RateLimit(1, 1.0)

    def rate_key(self, request: httpx.Request) -> str:
        parts = request.url.path.split("/")  # "", "v1", "users", <user id>, <family>, ...
        family = parts[4] if len(parts) > 4 and parts[1:3] == ["v1", "users"] else ""
        return f"{super().rate_key(request)} {family}"

    def retry_after_s(self, response: httpx.Response) -> float | None:
        """Catapult's 429 says when the window resets: ``X-RateLimit-Reset``, epoch milliseconds."""
        reset = response.headers.get("x-ratelimit-reset")
        if reset is None or not reset.isdigit():
            return super().retry_after_s(response)
        return max(0.0, int(reset) / 1000 - time.time())


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _last_segment(url: str | None) -> str | None:
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None


class BandwidthSource(Source, MediaSource, CallSource):
    kind = SourceKind.BANDWIDTH
    capabilities = frozenset({Capability.STATE_EVENTS})
    native_orders = frozenset({(SortField.START_TIME, True)})  # the gateway indexes it for the others

    def __init__(self, instance: str, upstream: Upstream, user_id: str, page_size: int = 100) -> None:
        self.instance = instance
        self.upstream = upstream
        self.user_id = user_id
        self.page_size = page_size

    @classmethod
    def from_config(cls, config: SourceConfig, deps: SourceDeps) -> BandwidthSource:
        credentials = config.credentials
        auth = httpx.BasicAuth(str(credentials["api_token"]), str(credentials["api_secret"]))
        upstream = upstream_for(config, deps, dialect=CatapultDialect(), auth=auth)
        return cls(config.instance, upstream, str(credentials["user_id"]), int(config.options.get("page_size", 100)))

    @property
    def _root(self) -> str:
        return f"/v1/users/{self.user_id}"

    def _recording(self, raw: dict[str, Any]) -> Recording:
        start, end = _time(raw.get("startTime")), _time(raw.get("endTime"))
        media_name = _last_segment(raw.get("media"))
        extension = (media_name or "").rsplit(".", 1)[-1].lower()
        media_format, mime = _FORMATS.get(extension, (MediaFormat.NONE, None))
        duration = int((end - start).total_seconds() * 1000) if start and end else None
        media = (
            (
                MediaFile(
                    id=media_name,
                    format=media_format,
                    mime_type=mime,
                    media_id=media_name,
                    start_time=start,
                    end_time=end,
                    duration_ms=duration,
                ),
            )
            if media_name
            else ()
        )
        return Recording(
            source=self.instance,
            source_id=raw["id"],
            kind=RecordingKind.CALL,
            state=_STATES.get(raw.get("state", ""), RecordingState.ERROR),
            title=f"Call recording {raw['id']}",
            start_time=start,
            end_time=end,
            created_at=start,
            duration_ms=duration,
            format=media_format,
            media_files=media,
            vendor_data=raw,
            call_id=_last_segment(raw.get("call")),
        )

    async def list_recordings(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        page_number, skip = position or (0, 0)
        response = await self.upstream.request(
            "GET",
            f"{self._root}/recordings",
            entity="recording_list",
            params={"page": page_number, "size": self.page_size},
        )
        rows = response.json()[skip:]
        has_next = "next" in response.links
        items = [self._recording(raw) for raw in rows[:limit]]
        after = [[page_number, skip + i + 1] for i in range(len(items))]
        if len(rows) > limit:
            next_position: Any = after[-1]
        else:
            next_position = [page_number + 1, 0] if has_next else None
        if after and after[-1][1] == self.page_size:
            after[-1] = [page_number + 1, 0]
        return Page(items, next_position, after)

    async def get_recordings(self, ids: Sequence[str]) -> Sequence[Recording | None]:
        async def one(recording_id: str) -> Recording | None:
            try:
                raw = await self.upstream.get_json(f"{self._root}/recordings/{recording_id}", entity="recording")
            except NotFound:
                return None
            return self._recording(raw)

        return await asyncio.gather(*(one(i) for i in ids))

    async def get_calls(self, ids: Sequence[str]) -> Sequence[CallDetails | None]:
        async def one(call_id: str) -> CallDetails | None:
            try:
                raw = await self.upstream.get_json(f"{self._root}/calls/{call_id}", entity="call")
            except NotFound:
                return None
            return CallDetails(self.instance, call_id, raw.get("from"), raw.get("to"))

        return await asyncio.gather(*(one(i) for i in ids))

    @contextlib.asynccontextmanager
    async def open_media(
        self, recording_id: str, media_file_id: str, format: MediaFormat | None, byte_range: str | None
    ) -> AsyncIterator[MediaStream]:
        (recording,) = await self.get_recordings([recording_id])
        media = next((m for m in recording.media_files if m.id == media_file_id), None) if recording else None
        if media is None:
            raise NotFound(f"media file {media_file_id} of recording {recording_id} not found in {self.instance}")
        if format not in (None, media.format):
            raise Unsupported(f"{self.instance} serves media as recorded ({media.format.name}), not {format.name}")
        headers = {"Range": byte_range} if byte_range else {}
        async with self.upstream.stream("GET", f"{self._root}/media/{media_file_id}", headers=headers) as response:
            yield MediaStream(response.status_code, dict(response.headers), response.aiter_bytes())

    async def probe(self) -> None:
        await self.upstream.request("GET", f"{self._root}/recordings", params={"page": 0, "size": 1})

    async def aclose(self) -> None:
        await self.upstream.aclose()
