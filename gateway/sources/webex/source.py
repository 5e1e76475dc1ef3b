"""Webex Calling converged recordings, as the org's compliance officer sees them.

Reads use the compliance officer's token (``token``): the org-wide list
``GET /v1/admin/convergedRecordings`` (walked by time windows, see `windows`), details with
temporary download links, metadata, and people by up to 85 ids in one call. "Delete" is the
compliance officer's ``DELETE /v1/convergedRecordings/{id}``: permanent, for everyone, the
officer included. Webex only lets an administrator (or the owner) move recordings through the
recycle bin, so soft delete, restore and purge need the optional ``admin_token``.

Pushed down: the time range (``from``/``to`` on ``createTime``, which is `start_time`), the
region (``storageRegion``) and the owner (``ownerId``, one person at a time, and ``ownerEmail``).
Everything else in a unified filter is applied by the gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import operator
from collections.abc import AsyncIterator, Generator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from gateway.config import SourceConfig
from gateway.errors import BadInput, FieldError, NotFound, Unsupported
from gateway.models import CallDetails, MediaFormat, MediaStream, Recording, SourceKind, User
from gateway.query import START_TIME_ORDERS, Capability, Page, RecordingFilter, RecordingSearch, page_after
from gateway.sources.base import (
    CallSource,
    DeleteOutcome,
    DeletingSource,
    MediaSource,
    Source,
    UserDirectory,
    UserSource,
)
from gateway.sources.registry import SourceDeps, upstream_for
from gateway.sources.upstream import BearerToken, Upstream
from gateway.sources.webex.dialect import WebexDialect
from gateway.sources.webex.mapping import (
    AUDIO_MEDIA_ID,
    LINKS_FIELD,
    call_details,
    epoch_ms,
    person_uuid,
    to_recording,
    to_user,
    wire_time,
)
from gateway.sources.webex.windows import MAX_WINDOW_MS, Position, walk

__all__ = ["BULK_ACTIONS", "MAX_BULK_IDS", "STORAGE_REGIONS", "ListFilter", "WebexSource"]

STORAGE_REGIONS = frozenset({"US", "SG", "GB", "JP", "DE", "AU", "IN", "CA"})
# Recycle-bin moves: action path -> its "*All" flag.
BULK_ACTIONS = {"softDelete": "trashAll", "restore": "restoreAll", "purge": "purgeAll"}
MAX_BULK_IDS = 100
MAX_PEOPLE_IDS = 85
# Times come back in UTC (the header is the documented default; sent to be explicit).
_UTC = {"timezone": "UTC"}


class _ApiOnly(httpx.Auth):
    """The bearer token for API calls only: pre-signed download links get no token."""

    def __init__(self, inner: BearerToken, api_root: str) -> None:
        self._inner = inner
        self._root = httpx.URL(api_root.rstrip("/") + "/")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        url, root = request.url, self._root
        if (url.scheme, url.host, url.port) == (root.scheme, root.host, root.port) and url.path.startswith(root.path):
            yield from self._inner.auth_flow(request)
        else:
            yield request


@dataclasses.dataclass(frozen=True)
class ListFilter:
    """The compliance list's own filters (``from``/``to`` are on ``createTime``)."""

    status: str = "available"
    created_after: datetime | None = None
    created_before: datetime | None = None
    owner_id: str | None = None
    owner_email: str | None = None
    owner_type: str | None = None
    service_type: str | None = None
    storage_region: str | None = None
    location_id: str | None = None
    topic: str | None = None

    def params(self) -> dict[str, str]:
        # ownerId is a bare UUID at Webex; a People API id is accepted here too.
        owner_id = (person_uuid(self.owner_id) or self.owner_id) if self.owner_id else None
        named = {
            "status": self.status,
            "ownerId": owner_id,
            "ownerEmail": self.owner_email,
            "ownerType": self.owner_type,
            "serviceType": self.service_type,
            "storageRegion": self.storage_region,
            "locationId": self.location_id,
            "topic": self.topic,
        }
        return {name: value for name, value in named.items() if value}


def _today() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _check_bulk(flag: str, every: bool, ids: Sequence[str], owner_email: str | None) -> None:
    """Webex's rules for a recycle-bin move made by an administrator, as a gateway input error."""
    errors = []
    if every:
        if ids:
            errors.append(FieldError("recordingIds", f"must be empty when {flag} (all) is true"))
        if not owner_email:
            errors.append(FieldError("ownerEmail", f"is required when {flag} (all) is true: whose recordings"))
    else:
        if owner_email:
            errors.append(FieldError("ownerEmail", f"is only allowed when {flag} (all) is true"))
        if not 1 <= len(ids) <= MAX_BULK_IDS:
            errors.append(FieldError("recordingIds", f"must hold 1 to {MAX_BULK_IDS} ids when {flag} is false"))
    if errors:
        raise BadInput("; ".join(f"{e.field} {e.message}" for e in errors), errors)


class WebexSource(Source, UserSource, UserDirectory, DeletingSource, MediaSource, CallSource):
    kind = SourceKind.WEBEX
    capabilities = frozenset({Capability.FILTER_TIME_RANGE, Capability.FILTER_REGION, Capability.FILTER_OWNER})
    max_batch_size = MAX_PEOPLE_IDS
    native_orders = START_TIME_ORDERS

    def __init__(
        self,
        instance: str,
        upstream: Upstream,
        admin: Upstream | None = None,
        *,
        page_size: int = 100,
        lookback_days: int = 366,
        delete_reason: str = "audit",
    ) -> None:
        self.instance = instance
        self.upstream = upstream
        self.admin = admin
        self.page_size = page_size
        self.lookback_days = lookback_days
        self.delete_reason = delete_reason

    @classmethod
    def from_config(cls, config: SourceConfig, deps: SourceDeps) -> WebexSource:
        """Credentials: ``token`` (compliance officer), optional ``admin_token`` (recycle bin).

        Options: ``page_size`` (vendor ``max``, 1-100), ``lookback_days`` (how far back a search
        without a start goes; Webex keeps recordings a year), ``delete_reason``.
        """
        credentials, options = config.credentials, config.options

        def upstream(token: str) -> Upstream:
            auth = _ApiOnly(BearerToken(token), config.base_url)
            return upstream_for(config, deps, dialect=WebexDialect(), auth=auth)

        admin = upstream(str(credentials["admin_token"])) if "admin_token" in credentials else None
        return cls(
            config.instance,
            upstream(str(credentials["token"])),
            admin,
            page_size=int(options.get("page_size", 100)),
            lookback_days=int(options.get("lookback_days", 366)),
            delete_reason=str(options.get("delete_reason", "audit")),
        )

    # -- listing -----------------------------------------------------------------------------

    def listing_starts(self) -> datetime:
        return _today() - timedelta(days=self.lookback_days)

    def _start(self, list_filter: ListFilter) -> Position:
        """The whole requested range; open ends are the lookback and a day past today (stable URLs)."""
        lower = list_filter.created_after or self.listing_starts()
        upper = list_filter.created_before or _today() + timedelta(days=2)
        return Position(epoch_ms(lower), epoch_ms(upper), None, MAX_WINDOW_MS)

    async def list_compliance_recordings(
        self, list_filter: ListFilter, position: Any | None, limit: int, *, descending: bool = True
    ) -> Page[dict[str, Any]]:
        """Raw list items matching `list_filter`, ordered by ``(createTime, id)``; positions are keysets."""
        params = list_filter.params()

        async def fetch(start: int, end: int, next_url: str | None) -> tuple[list[dict[str, Any]], str | None]:
            if next_url is not None:
                response = await self.upstream.request("GET", next_url, entity="recording_list", headers=_UTC)
            else:
                query = {**params, "from": wire_time(start), "to": wire_time(end), "max": str(self.page_size)}
                response = await self.upstream.request(
                    "GET", "/admin/convergedRecordings", entity="recording_list", params=query, headers=_UTC
                )
            items: list[dict[str, Any]] = response.json().get("items") or []
            return items, response.links.get("next", {}).get("url")

        start = Position.from_json(position) if position is not None else self._start(list_filter)
        result = await walk(fetch, start, limit, descending=descending)
        return Page(
            [row.raw for row in result.rows],
            result.next.to_json() if result.next else None,
            [after.to_json() for after in result.after],
        )

    def _owners(self, wanted: RecordingFilter) -> list[str]:
        """The person ids of this org among the filter's owners."""
        return [owner.source_id for owner in wanted.owners or () if owner.source == self.instance]

    def pushdown(self, search: RecordingSearch) -> frozenset[Capability]:
        """Webex lists one owner's recordings at a time: several owners here are filtered by the gateway."""
        if len(self._owners(search.filter)) > 1:
            return self.capabilities - {Capability.FILTER_OWNER}
        return self.capabilities

    async def list_recordings(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        wanted = search.filter
        if wanted.region is not None and wanted.region not in STORAGE_REGIONS:
            return Page([], None)  # not a Webex storage region: nothing can match (and Webex would 400)
        mine = self._owners(wanted)
        if wanted.owners is not None and not mine:
            return Page([], None)  # none of the owners is a Webex person of this org
        # Only users own recordings in the unified model (queues and places own none).
        owned = Capability.FILTER_OWNER in self.pushdown(search) and (bool(mine) or wanted.owner_email is not None)
        list_filter = ListFilter(
            created_after=wanted.started_after,
            created_before=wanted.started_before,
            storage_region=wanted.region,
            owner_id=mine[0] if owned and mine else None,
            owner_email=wanted.owner_email if owned else None,
            owner_type="user" if owned else None,
        )
        page = await self.list_compliance_recordings(list_filter, position, limit, descending=search.descending)
        return Page([to_recording(self.instance, raw) for raw in page.items], page.next, page.after)

    # -- by id -------------------------------------------------------------------------------

    def _path(self, recording_id: str, suffix: str = "") -> str:
        return f"/convergedRecordings/{quote(recording_id, safe='')}{suffix}"

    async def recording_details(self, recording_id: str) -> dict[str, Any] | None:
        """The details object, with ``temporaryDirectDownloadLinks`` where Webex gives them."""
        try:
            raw: dict[str, Any] = await self.upstream.get_json(
                self._path(recording_id), entity="recording", headers=_UTC
            )
        except NotFound:
            return None
        return raw

    async def recording_metadata(self, recording_id: str, *, show_all: bool = False) -> dict[str, Any]:
        metadata: dict[str, Any] = await self.upstream.get_json(
            self._path(recording_id, "/metadata"),
            entity="recording",
            headers=_UTC,
            params={"showAllTypes": "true" if show_all else "false"},
        )
        return metadata

    async def get_recordings(self, ids: Sequence[str]) -> Sequence[Recording | None]:
        details = await asyncio.gather(*(self.recording_details(i) for i in ids))
        return [to_recording(self.instance, raw) if raw else None for raw in details]

    async def get_calls(self, ids: Sequence[str]) -> Sequence[CallDetails | None]:
        async def one(recording_id: str) -> CallDetails | None:
            try:
                metadata = await self.upstream.get_json(
                    self._path(recording_id, "/metadata"), entity="call", params={"showAllTypes": "false"}, headers=_UTC
                )
            except NotFound:
                return None
            return call_details(self.instance, recording_id, metadata)

        return await asyncio.gather(*(one(i) for i in ids))

    # -- people ------------------------------------------------------------------------------

    async def get_users(self, ids: Sequence[str]) -> Sequence[User | None]:
        """``GET /v1/people?id=a,b,c`` for up to 85 ids a call; each person is cached on its own."""

        async def fetch(missing: list[str]) -> dict[str, Any]:
            wanted = sorted(missing)
            chunks = [wanted[i : i + MAX_PEOPLE_IDS] for i in range(0, len(wanted), MAX_PEOPLE_IDS)]
            bodies = await asyncio.gather(
                *(self.upstream.get_json("/people", params={"id": ",".join(chunk)}) for chunk in chunks)
            )
            return {item["id"]: item for body in bodies for item in body.get("items") or []}

        people = await self.upstream.cached_items("user", ids, fetch)
        return [to_user(self.instance, people[i]) if people.get(i) else None for i in ids]

    async def search_users(self, text: str | None, position: Any | None, limit: int) -> Page[User]:
        """People by email (text with ``@``) or display-name prefix; Webex lists nobody without one."""
        text = (text or "").strip()
        if not text:
            return Page([], None)
        response = await self.upstream.request(
            "GET", "/people", entity="user", params={"email" if "@" in text else "displayName": text}
        )
        items = response.json().get("items") or []
        while next_url := response.links.get("next", {}).get("url"):
            response = await self.upstream.request("GET", next_url, entity="user")
            items += response.json().get("items") or []
        key = operator.attrgetter("person_key")
        return page_after(sorted((to_user(self.instance, item) for item in items), key=key), key, position, limit)

    async def users_by_email(self, emails: Sequence[str]) -> Sequence[Sequence[User]]:
        """``GET /v1/people?email=`` per email (Webex takes one a call), concurrently and cached."""
        bodies = await asyncio.gather(
            *(self.upstream.get_json("/people", entity="user", params={"email": email}) for email in emails)
        )
        return [[to_user(self.instance, item) for item in body.get("items") or []] for body in bodies]

    # -- lifecycle ---------------------------------------------------------------------------

    async def _invalidate(self) -> None:
        for entity in ("recording", "recording_list", "call"):
            await self.upstream.invalidate(entity)

    async def purge_recording(self, recording_id: str, *, reason: str, comment: str | None = None) -> None:
        """The compliance officer's permanent delete (Webex requires a `reason`)."""
        body = {"reason": reason, **({"comment": comment} if comment is not None else {})}
        try:
            await self.upstream.request("DELETE", self._path(recording_id), json=body)
        finally:
            await self._invalidate()

    async def delete_recording(self, recording_id: str, *, with_media: bool) -> DeleteOutcome:
        """Permanent: Webex removes the recording with its media, for the compliance officer too."""
        await self.purge_recording(recording_id, reason=self.delete_reason)
        return DeleteOutcome(recording_id, media_deleted=True)

    async def move_recordings(
        self, action: str, recording_ids: Sequence[str], *, every: bool = False, owner_email: str | None = None
    ) -> None:
        """``softDelete``, ``restore`` or ``purge`` through the recycle bin, as the administrator."""
        flag = BULK_ACTIONS[action]
        _check_bulk(flag, every, recording_ids, owner_email)
        if self.admin is None:
            raise Unsupported(f"{self.instance}: recycle-bin moves need an administrator token (admin_token)")
        body: dict[str, Any] = {flag: every}
        if recording_ids:
            body["recordingIds"] = list(dict.fromkeys(recording_ids))
        if owner_email:
            body["ownerEmail"] = owner_email
        try:
            await self.admin.request("POST", f"/convergedRecordings/{action}", json=body)
        finally:
            await self._invalidate()

    # -- media and health --------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def open_media(
        self, recording_id: str, media_file_id: str, format: MediaFormat | None, byte_range: str | None
    ) -> AsyncIterator[MediaStream]:
        if format not in (None, MediaFormat.MP3):
            raise Unsupported(f"{self.instance} serves recordings as MP3 only")
        details = await self.recording_details(recording_id) if media_file_id == AUDIO_MEDIA_ID else None
        link = ((details or {}).get(LINKS_FIELD) or {}).get("audioDownloadLink")
        if not link:
            raise NotFound(f"media file {media_file_id} of recording {recording_id} not found in {self.instance}")
        headers = {"Range": byte_range} if byte_range else {}
        async with self.upstream.stream("GET", link, headers=headers) as response:
            yield MediaStream(response.status_code, dict(response.headers), response.aiter_bytes())

    async def probe(self) -> None:
        await self.upstream.request("GET", "/admin/convergedRecordings", params={"max": "1"}, headers=_UTC)

    async def aclose(self) -> None:
        await self.upstream.aclose()
        if self.admin is not None:
            await self.admin.aclose()
