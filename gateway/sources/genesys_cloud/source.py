"""Genesys Cloud (Platform API v2): conversation recordings, their annotations, users and
media retention policies, behind the gateway's source contract.

Search lists conversations with the analytics query and reads the recordings of only those
that can land on the page (see `page_read`); it applies the time range, the conversation id,
exact caller/dialed numbers and owners itself (see `criteria`), the gateway the rest. Users
resolve many ids per call. A conversation's recordings come with their annotations, which then
need no call of their own; the annotations endpoint (no batch form) serves the rest.
Conversation recordings have no DELETE: deleting one sets its ``deleteDate`` to now, which the
vendor acts on (``fileState`` DELETED, media gone); the recording stays listed in state DELETED.
User recordings are deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import operator
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from gateway.config import SourceConfig
from gateway.errors import NotFound, SourceUnavailable, Unsupported
from gateway.models import (
    Annotation,
    AnnotationChanges,
    CallDetails,
    MediaFormat,
    MediaStream,
    Recording,
    RetentionPolicy,
    SourceKind,
    User,
)
from gateway.query import START_TIME_ORDERS, Capability, OrderKey, Page, RecordingSearch, page_after
from gateway.sources.base import (
    AnnotationSource,
    CallSource,
    DeleteOutcome,
    DeletingSource,
    MediaSource,
    PolicySource,
    Source,
    UserDirectory,
    UserSource,
)
from gateway.sources.genesys_cloud import mapping
from gateway.sources.genesys_cloud.admin import GenesysCloudAdmin
from gateway.sources.genesys_cloud.criteria import PUSHED, criteria_for, pushdown
from gateway.sources.genesys_cloud.dialect import GenesysDialect, token_url
from gateway.sources.genesys_cloud.recordings import RecordingReader
from gateway.sources.genesys_cloud.walk import RecordingWalk
from gateway.sources.registry import SourceDeps, upstream_for
from gateway.sources.upstream import ClientCredentials, Upstream

__all__ = ["GenesysCloudSource"]

_USERS_PAGE = 500
_POLICIES_PAGE = 100
_MEDIA_WAIT_MS = 5000


class GenesysCloudSource(
    Source, UserSource, UserDirectory, AnnotationSource, PolicySource, DeletingSource, MediaSource, CallSource
):
    kind = SourceKind.GENESYS_CLOUD
    capabilities = PUSHED
    max_batch_size = 100  # ids per GET /users
    native_orders = START_TIME_ORDERS

    def __init__(
        self,
        instance: str,
        upstream: Upstream,
        *,
        round_ms: int = 3_600_000,
        history_days: float = 90,
        format: MediaFormat = MediaFormat.WAV,
        max_wait_ms: int = 1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.instance = instance
        self.upstream = upstream
        self.reader = RecordingReader(instance, upstream, format=format, max_wait_ms=max_wait_ms)
        self.walk = RecordingWalk(self.reader, round_ms=round_ms, history_days=history_days, clock=clock)
        self.admin = GenesysCloudAdmin(upstream)
        # Media URLs are pre-signed and may be on another host: never send them our bearer token.
        self._media = httpx.AsyncClient(timeout=upstream.client.timeout)

    @classmethod
    def from_config(cls, config: SourceConfig, deps: SourceDeps) -> GenesysCloudSource:
        """Credentials ``client_id``/``client_secret``; options ``window_s`` (the open ends of a search
        are rounded to it, so its analytics query repeats and hits the cache, 3600), ``history_days``
        (how far back an open search goes, 90), ``format`` (media format listed, WAV),
        ``max_wait_ms`` (1), ``token_url``, and `upstream_for`'s."""
        options = config.options
        auth = ClientCredentials(
            config.instance,
            str(options.get("token_url") or token_url(config.base_url)),
            str(config.credentials["client_id"]),
            str(config.credentials["client_secret"]),
            deps.cache,
        )
        upstream = upstream_for(config, deps, dialect=GenesysDialect(), auth=auth)
        return cls(
            config.instance,
            upstream,
            round_ms=max(1, int(float(options.get("window_s", 3600)) * 1000)),
            history_days=float(options.get("history_days", 90)),
            format=MediaFormat[str(options.get("format", "WAV")).upper()],
            max_wait_ms=int(options.get("max_wait_ms", 1)),
        )

    # -- recordings --------------------------------------------------------------------------

    def pushdown(self, search: RecordingSearch) -> frozenset[Capability]:
        return pushdown(search.filter)

    async def list_recordings(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        criteria = await criteria_for(self.instance, search.filter, self.users_by_email)
        if criteria.impossible:
            return Page([], None)
        return await self.walk.page(search, position, limit, criteria)

    def seek(self, search: RecordingSearch, key: OrderKey) -> Any | None:
        return self.walk.seek(search, int(key[0] * 1000))

    def listing_starts(self) -> datetime:
        return datetime.fromtimestamp(self.walk.bounds(RecordingSearch()).start / 1000, UTC)

    async def get_recordings(self, ids: Sequence[str]) -> Sequence[Recording | None]:
        return await self.reader.by_id(ids)

    async def get_calls(self, ids: Sequence[str]) -> Sequence[CallDetails | None]:
        """Numbers of conversations by id: one analytics query for the batch."""
        found = await self.reader.conversations_by_id(ids, self.walk.bounds(RecordingSearch())) if ids else {}
        return [found[i].call if i in found else None for i in ids]

    async def delete_recording(self, recording_id: str, *, with_media: bool) -> DeleteOutcome:
        if recording_id.startswith(mapping.USER_RECORDING_PREFIX):
            await self.admin.delete_user_recording(recording_id.removeprefix(mapping.USER_RECORDING_PREFIX))
            return DeleteOutcome(recording_id, media_deleted=True)
        parts = mapping.split_recording_id(recording_id)
        if parts is None:
            raise NotFound(f"recording {recording_id} not found in {self.instance}")
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        await self.admin.update_recording_retention(*parts, {"deleteDate": now}, None)
        return DeleteOutcome(recording_id, media_deleted=True)

    @contextlib.asynccontextmanager
    async def open_media(
        self, recording_id: str, media_file_id: str, format: MediaFormat | None, byte_range: str | None
    ) -> AsyncIterator[MediaStream]:
        wanted = format or self.reader.format
        if wanted is MediaFormat.NONE:
            raise Unsupported(f"{self.instance}: no media in format NONE")
        url = await self._media_url(recording_id, media_file_id, wanted)
        request = self._media.build_request("GET", url, headers={"Range": byte_range} if byte_range else {})
        try:
            response = await self._media.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise SourceUnavailable(self.instance, f"media download failed ({type(exc).__name__})") from exc
        try:
            if response.status_code >= 400:
                raise SourceUnavailable(
                    self.instance, f"media download answered {response.status_code}", status_code=response.status_code
                )
            yield MediaStream(response.status_code, dict(response.headers), response.aiter_bytes())
        finally:
            await response.aclose()

    async def _media_url(self, recording_id: str, media_file_id: str, format: MediaFormat) -> str:
        """A fresh pre-signed URL (never cached: they expire), waiting for transcoding up to 5 s."""
        if recording_id.startswith(mapping.USER_RECORDING_PREFIX):
            vendor_id = recording_id.removeprefix(mapping.USER_RECORDING_PREFIX)
            response = await self.upstream.request(
                "GET", f"/api/v2/userrecordings/{vendor_id}/media", params={"formatId": format.name}
            )
            url = response.json().get("contentLocationUri") if response.status_code == 200 else None
        else:
            parts = mapping.split_recording_id(recording_id)
            if parts is None:
                raise NotFound(f"recording {recording_id} not found in {self.instance}")
            response = await self.upstream.request(
                "GET",
                f"/api/v2/conversations/{parts[0]}/recordings",
                params={"formatId": format.name, "maxWaitMs": _MEDIA_WAIT_MS},
            )
            body = response.json() if response.content.strip() else []
            raw = next((r for r in body if isinstance(r, dict) and r.get("id") == parts[1]), None)
            if raw is None:
                raise NotFound(f"recording {recording_id} not found in {self.instance}")
            url = ((raw.get("mediaUris") or {}).get(media_file_id) or {}).get("mediaUri")
        if not url:
            if response.status_code == 202:
                raise SourceUnavailable(self.instance, f"recording {recording_id} is still transcoding; retry shortly")
            raise NotFound(f"media file {media_file_id} of recording {recording_id} not found in {self.instance}")
        return str(url)

    # -- users -------------------------------------------------------------------------------

    async def get_users(self, ids: Sequence[str]) -> Sequence[User | None]:
        """One ``GET /users?id=a,b,c`` per batch; ``state=any`` so deleted owners still resolve."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        listing = await self.upstream.get_json(
            "/api/v2/users", entity="user", params={"id": ",".join(wanted), "pageSize": len(wanted), "state": "any"}
        )
        found = {u["id"]: mapping.user(self.instance, u) for u in listing.get("entities") or []}
        return [found.get(i) for i in ids]

    async def _directory(self) -> list[User]:
        """Every user, deleted ones too: ``GET /users`` page by page (cached; the API has no text
        or email search there)."""
        users: list[User] = []
        page = 1
        while True:
            listing = await self.upstream.get_json(
                "/api/v2/users", entity="user", params={"pageSize": _USERS_PAGE, "pageNumber": page, "state": "any"}
            )
            users += [mapping.user(self.instance, u) for u in listing.get("entities") or []]
            if page >= int(listing.get("pageCount") or 1):
                return users
            page += 1

    async def search_users(self, text: str | None, position: Any | None, limit: int) -> Page[User]:
        """Users whose name, email or username contains `text`, from the directory."""
        needle = (text or "").casefold()
        matching = [
            u
            for u in await self._directory()
            if not needle or any(needle in (v or "").casefold() for v in (u.name, u.email, u.username))
        ]
        key = operator.attrgetter("person_key")
        return page_after(sorted(matching, key=key), key, position, limit)

    async def users_by_email(self, emails: Sequence[str]) -> Sequence[Sequence[User]]:
        """Users by email, from the directory (one read serves every email of the batch)."""
        by_email: dict[str, list[User]] = {}
        for user in await self._directory():
            if user.email:
                by_email.setdefault(user.email.casefold(), []).append(user)
        return [by_email.get(email.casefold(), []) for email in emails]

    # -- annotations -------------------------------------------------------------------------

    def _annotations_path(self, recording_id: str) -> str:
        parts = mapping.split_recording_id(recording_id)
        if parts is None:
            raise NotFound(f"recording {recording_id} of {self.instance} has no annotations")
        return f"/api/v2/conversations/{parts[0]}/recordings/{parts[1]}/annotations"

    async def get_annotations(self, recording_ids: Sequence[str]) -> Sequence[Sequence[Annotation]]:
        """One call per recording (no batch form), concurrently under the source's limit."""

        async def one(recording_id: str) -> list[Annotation]:
            if mapping.split_recording_id(recording_id) is None:
                return []
            try:
                raw = await self.upstream.get_json(self._annotations_path(recording_id), entity="annotation")
            except NotFound:
                return []
            return [mapping.annotation(self.instance, recording_id, a) for a in raw if isinstance(a, dict)]

        return await asyncio.gather(*(one(i) for i in recording_ids))

    def _annotation_path(self, annotation_id: str) -> tuple[str, str]:
        recording_id, slash, vendor_id = annotation_id.rpartition("/")
        if not slash or mapping.split_recording_id(recording_id) is None:
            raise NotFound(f"annotation {annotation_id} not found in {self.instance}")
        return recording_id, f"{self._annotations_path(recording_id)}/{vendor_id}"

    @staticmethod
    def _annotation_body(changes: AnnotationChanges) -> dict[str, Any]:
        fields = {
            "name": changes.name,
            "description": changes.description,
            "location": changes.location_ms,
            "durationMs": changes.duration_ms,
        }
        return {name: value for name, value in fields.items() if value is not None}

    async def _annotation_written(self) -> None:
        # Recordings embed their annotations too.
        for entity in ("annotation", "recording"):
            await self.upstream.invalidate(entity)

    async def create_annotation(self, recording_id: str, changes: AnnotationChanges) -> Annotation:
        try:
            response = await self.upstream.request(
                "POST", self._annotations_path(recording_id), json=self._annotation_body(changes)
            )
        finally:
            await self._annotation_written()
        return mapping.annotation(self.instance, recording_id, response.json())

    async def update_annotation(self, annotation_id: str, changes: AnnotationChanges) -> Annotation:
        """PUT replaces: the current annotation (read fresh) with the changes applied."""
        recording_id, path = self._annotation_path(annotation_id)
        current = (await self.upstream.request("GET", path)).json()
        body = {k: v for k, v in current.items() if k not in ("id", "selfUri")} | self._annotation_body(changes)
        try:
            response = await self.upstream.request("PUT", path, json=body)
        finally:
            await self._annotation_written()
        return mapping.annotation(self.instance, recording_id, response.json())

    async def delete_annotation(self, annotation_id: str) -> None:
        _, path = self._annotation_path(annotation_id)
        try:
            await self.upstream.request("DELETE", path)
        finally:
            await self._annotation_written()

    # -- retention policies ------------------------------------------------------------------

    async def list_retention_policies(self, position: Any | None, limit: int) -> Page[RetentionPolicy]:
        """All policies (a handful of pages at most, cached), in id order as the contract wants."""
        policies: list[RetentionPolicy] = []
        page = 1
        while True:
            listing = await self.admin.policies(pageSize=_POLICIES_PAGE, pageNumber=page)
            policies += [mapping.retention_policy(self.instance, p) for p in listing.get("entities") or []]
            if page >= int(listing.get("pageCount") or 1):
                break
            page += 1
        key = operator.attrgetter("source_id")
        return page_after(sorted(policies, key=key), key, position, limit)

    # -- lifecycle ---------------------------------------------------------------------------

    async def probe(self) -> None:
        await self.upstream.request("GET", "/api/v2/recording/settings")

    async def aclose(self) -> None:
        await self._media.aclose()
        await self.upstream.aclose()
