"""Genesys Engage Web Services (GWS/RWS) recordings: search, get, play, create and delete.

Reads go to ``/recordings`` as the Contact Center Admin; writes to
``/ops/contact-centers/{id}/recordings`` as the OPS admin, with the CSRF session
(`EngageSession`). `EngageDialect` checks every reply's ``statusCode``. Searches walk start-time
windows (`windows`) newest first, with caller and dialed numbers, participant names, user data
and the time range pushed down. Region affinity: the server lists, reads and plays only the
recordings of its own region, so a gateway spanning regions configures one source per server.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from gateway.config import SourceConfig
from gateway.errors import BadInput, FieldError, InvalidCursor, NotFound, SourceRejected, Unsupported
from gateway.models import MediaFormat, MediaStream, Recording, SourceKind, User
from gateway.query import Capability, Page, RecordingFilter, RecordingSearch, SortField
from gateway.sources.base import (
    DeleteOutcome,
    DeletingSource,
    IngestSource,
    MediaDeletionError,
    MediaSource,
    Source,
    UserSource,
)
from gateway.sources.engage_model import to_recording
from gateway.sources.genesys_engage.dialect import EngageDialect
from gateway.sources.genesys_engage.session import EngageSession
from gateway.sources.genesys_engage.windows import Position, Row, Walk, epoch_ms
from gateway.sources.registry import SourceDeps, upstream_for
from gateway.sources.upstream import Upstream
from gateway.store.engage import MAX_LIMIT, format_time, validate

__all__ = ["GenesysEngageSource", "NativePage"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CAPABILITIES = frozenset(
    {
        Capability.FILTER_TIME_RANGE,
        Capability.FILTER_CALLER_NUMBER,
        Capability.FILTER_DIALED_NUMBER,
        Capability.FILTER_PARTICIPANT,
        Capability.FILTER_USER_DATA,
    }
)
# The longest call a window's ``endTime`` bound lets through (option ``max_call_duration_s``).
DEFAULT_MAX_DURATION_S = 4 * 3600
# A window read whole by offset pages stops (with an error) past this many recordings.
DEFAULT_MAX_WINDOW_ROWS = 5000


def _time(ms: int) -> str:
    return format_time(_EPOCH + timedelta(milliseconds=ms))


def _pushed(criteria: RecordingFilter) -> dict[str, str]:
    """The ``GET /recordings`` parameters for what the filter sets (same semantics as the gateway's)."""
    params = {}
    if criteria.caller_number:
        params["callerPhoneNumber"] = criteria.caller_number
    if criteria.dialed_number:
        params["dialedPhoneNumber"] = criteria.dialed_number
    if any(term != "AND" for term in (criteria.participant or "").split()):
        params["userName"] = criteria.participant or ""
    if (criteria.user_data or "").strip():
        params["userData"] = criteria.user_data or ""
    return params


class NativePage:
    """One page of ``GET /recordings`` as GWS returns it (`GenesysEngageSource.query`)."""

    def __init__(self, documents: list[dict[str, Any]], has_next: bool, has_previous: bool) -> None:
        self.documents = documents
        self.has_next = has_next
        self.has_previous = has_previous


class GenesysEngageSource(Source, UserSource, IngestSource, DeletingSource, MediaSource):
    kind = SourceKind.GENESYS_ENGAGE
    max_batch_size = 50  # no by-many call: one GET per id, concurrently under the source's limit
    native_orders = frozenset({(SortField.START_TIME, True)})  # the gateway indexes it for the others

    def __init__(
        self,
        instance: str,
        upstream: Upstream,
        *,
        contact_center_id: str,
        region: str | None = None,
        max_duration_s: float = DEFAULT_MAX_DURATION_S,
        max_window_rows: int = DEFAULT_MAX_WINDOW_ROWS,
    ) -> None:
        self.instance = instance
        self.upstream = upstream
        self.contact_center_id = contact_center_id
        self.region = region
        self.max_duration_ms = int(max_duration_s * 1000)
        self.max_window_rows = max_window_rows
        # The server filters by its region itself; when we know it, so can a region criterion.
        self.capabilities = _CAPABILITIES | ({Capability.FILTER_REGION} if region else frozenset())

    @classmethod
    def from_config(cls, config: SourceConfig, deps: SourceDeps) -> GenesysEngageSource:
        """Credentials: ``username``/``password`` (Contact Center Admin), ``ops_username``/``ops_password``,
        ``contact_center_id``, optional ``region``. Options: ``max_call_duration_s``, ``max_window_rows``."""
        credentials, options = config.credentials, config.options
        session = EngageSession(
            config.base_url,
            (str(credentials["username"]), str(credentials["password"])),
            (str(credentials["ops_username"]), str(credentials["ops_password"])),
        )
        region = options.get("region") or (str(credentials["region"]) if "region" in credentials else None)
        return cls(
            config.instance,
            upstream_for(config, deps, dialect=EngageDialect(), auth=session),
            contact_center_id=str(credentials["contact_center_id"]),
            region=region,
            max_duration_s=float(options.get("max_call_duration_s", DEFAULT_MAX_DURATION_S)),
            max_window_rows=int(options.get("max_window_rows", DEFAULT_MAX_WINDOW_ROWS)),
        )

    @property
    def _ops(self) -> str:
        return f"/ops/contact-centers/{quote(self.contact_center_id, safe='')}/recordings"

    # -- reads -------------------------------------------------------------------------------

    async def _fetch(
        self, params: Mapping[str, str], lo: int | None, hi: int | None, offset: int
    ) -> tuple[list[Row], bool]:
        """One page of the query for start-time window ``[lo, hi]`` (see `windows`)."""
        if offset >= self.max_window_rows:
            raise SourceRejected(
                self.instance,
                f"over {self.max_window_rows} recordings in one time window; "
                "narrow the search (time range, numbers, participant)",
            )
        query = {**params, "startTime": _time(lo - 1) if lo is not None else "0"}
        if hi is not None:
            query["endTime"] = _time(hi + self.max_duration_ms)
        if offset:
            query["offset"] = str(offset)
        query["limit"] = str(MAX_LIMIT)
        body = await self.upstream.get_json("/recordings", entity="recording_list", params=query)
        documents = body.get("recordings") or []
        return [Row.of(d) for d in documents], bool(body.get("nextUri")) or len(documents) >= MAX_LIMIT

    async def list_recordings(self, search: RecordingSearch, position: Any | None, limit: int) -> Page[Recording]:
        criteria = search.filter
        if self.region and criteria.region is not None and criteria.region != self.region:
            return Page([], None, [])
        if position is None:
            before = criteria.started_before
            start = Position((epoch_ms(before), "") if before else None)
        else:
            try:
                start = Position.from_json(position)
            except ValueError as exc:
                raise InvalidCursor(f"the cursor's position in {self.instance} is invalid") from exc
        floor = epoch_ms(criteria.started_after) if criteria.started_after else None
        walk = Walk(functools.partial(self._fetch, _pushed(criteria)), floor, self.max_duration_ms)
        rows, afters, after_page = await walk.page(start, limit)
        return Page(
            [to_recording(r.document, self.instance) for r in rows],
            after_page.to_json() if after_page else None,
            [a.to_json() for a in afters],
        )

    async def document(self, recording_id: str, *, fresh: bool = False) -> dict[str, Any] | None:
        """The recording as GWS returns it; None when absent or of another region (`fresh`: uncached)."""
        try:
            body = await self.upstream.get_json(
                f"/recordings/{quote(recording_id, safe='')}", entity=None if fresh else "recording"
            )
        except NotFound:
            return None
        document: dict[str, Any] = body["recording"]
        return document

    async def get_recordings(self, ids: Sequence[str]) -> Sequence[Recording | None]:
        documents = await asyncio.gather(*(self.document(i) for i in ids))
        return [to_recording(d, self.instance) if d else None for d in documents]

    async def get_users(self, ids: Sequence[str]) -> Sequence[User | None]:
        """Agents as the recordings name them (their userName is the login, often an email); no call."""
        return [User(self.instance, i, name=i, email=i if "@" in i else None, username=i) for i in ids]

    async def users_by_email(self, emails: Sequence[str]) -> Sequence[Sequence[User]]:
        """The agent whose userName is the email, when a recording names them: Engage has no directory,
        so one ``GET /recordings?userName=`` (limit 1, cached) per email."""

        async def agent(email: str) -> list[User]:
            page = await self.query({"userName": email}, 0, 1)
            names = {
                name
                for document in page.documents
                for event in document.get("eventHistory", [])
                if (name := event.get("contact", {}).get("userName")) and name.casefold() == email.casefold()
            }
            return [user for user in await self.get_users(sorted(names)) if user is not None]

        return await asyncio.gather(*(agent(email) for email in emails))

    async def query(self, params: Mapping[str, str], offset: int, limit: int) -> NativePage:
        """``GET /recordings`` with GWS's own parameters and paging (at least one search parameter)."""
        query = {**params, "offset": str(offset), "limit": str(limit)}
        body = await self.upstream.get_json("/recordings", entity="recording_list", params=query)
        return NativePage(body.get("recordings") or [], bool(body.get("nextUri")), bool(body.get("prevUri")))

    # -- writes ------------------------------------------------------------------------------

    async def _invalidate(self) -> None:
        await self.upstream.invalidate("recording")
        await self.upstream.invalidate("recording_list")

    async def ingest_recording(self, document: dict[str, Any]) -> tuple[Recording, bool]:
        """Create or merge (GWS's re-POST rules) through the ops API; checked here first."""
        validate(document)
        if self.region and document["region"] != self.region:
            raise BadInput(
                f"{self.instance} is the {self.region} server and shows only {self.region} recordings",
                [FieldError("region", f"must be {self.region} (region affinity)")],
            )
        before = await self.document(document["id"], fresh=True)
        try:
            await self.upstream.request("POST", self._ops, json=document)
        finally:
            await self._invalidate()
        after = await self.document(document["id"], fresh=True)
        if after is None:
            raise NotFound(
                f"recording {document['id']} was stored, but {self.instance} does not show it "
                "(its region is another server's)"
            )
        return to_recording(after, self.instance), before is None

    async def delete_recording(self, recording_id: str, *, with_media: bool) -> DeleteOutcome:
        """The ops DELETE (``subresources=*`` with media); media storage could not delete is reported."""
        try:
            response = await self.upstream.request(
                "DELETE",
                f"{self._ops}/{quote(recording_id, safe='')}",
                params={"subresources": "*"} if with_media else None,
            )
        finally:
            await self._invalidate()
        failed = []
        for failure in response.json().get("failed") or []:
            descriptor = failure.get("mediaDescriptor") or {}
            failed.append(
                MediaDeletionError(
                    str(failure.get("id", "")),
                    None,
                    str(descriptor.get("storage", "")),
                    str(descriptor.get("path", "")),
                    str(failure.get("statusMessage", "")),
                )
            )
        return DeleteOutcome(recording_id, media_deleted=with_media, failed_media=tuple(failed))

    # -- media -------------------------------------------------------------------------------

    def _play_path(self, media: Mapping[str, Any]) -> str:
        """Where to GET a media file, relative to the API root; never a URL on another server."""
        path = media.get("playPath") or media.get("mediaPath")
        if path:
            return str(path)
        root, uri = str(self.upstream.client.base_url).rstrip("/"), str(media.get("mediaUri", ""))
        if not uri.startswith(root + "/"):
            raise SourceRejected(self.instance, "a media URI points outside the server; not sending credentials")
        return uri.removeprefix(root)

    @contextlib.asynccontextmanager
    async def open_media(
        self, recording_id: str, media_file_id: str, format: MediaFormat | None, byte_range: str | None
    ) -> AsyncIterator[MediaStream]:
        document = await self.document(recording_id)
        pairs = (
            zip(document["mediaFiles"], to_recording(document, self.instance).media_files, strict=True)
            if document
            else ()
        )
        raw, media = next(((r, m) for r, m in pairs if m.id == media_file_id), (None, None))
        if raw is None or media is None:
            raise NotFound(f"media file {media_file_id} of recording {recording_id} not found in {self.instance}")
        if format not in (None, media.format):
            raise Unsupported(f"{self.instance} serves media as recorded ({media.format.name}), not {format.name}")
        if media.encrypted:
            raise Unsupported(
                f"{self.instance}: media file {media_file_id} is encrypted (pkcs7); "
                "only the Recording Crypto Server can decrypt it"
            )
        headers = {"Range": byte_range} if byte_range else {}
        async with self.upstream.stream("GET", self._play_path(raw), headers=headers) as response:
            yield MediaStream(response.status_code, dict(response.headers), response.aiter_bytes())

    async def probe(self) -> None:
        await self.upstream.request("GET", "/me")

    async def aclose(self) -> None:
        await self.upstream.aclose()
