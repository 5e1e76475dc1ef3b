"""Reading conversation recordings: per conversation (the API has no batch form), by id, and
the analytics conversation details query that finds conversations and their numbers."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from gateway.errors import NotFound
from gateway.models import CallDetails, MediaFormat, Recording
from gateway.sources.genesys_cloud import mapping
from gateway.sources.genesys_cloud.criteria import Criteria
from gateway.sources.genesys_cloud.windows import Window, epoch_ms
from gateway.sources.upstream import Upstream

__all__ = ["ANALYTICS_PAGE", "Conversation", "RecordingReader"]

ANALYTICS_PATH = "/api/v2/analytics/conversations/details/query"
ANALYTICS_PAGE = 100  # the query's largest page


@dataclasses.dataclass(frozen=True)
class Conversation:
    """What the analytics query tells about a conversation; its recordings start between its start and end."""

    id: str
    start: datetime | None
    end: datetime | None
    call: CallDetails

    @property
    def start_ms(self) -> int | None:
        return epoch_ms(self.start)

    @property
    def end_ms(self) -> int | None:
        return epoch_ms(self.end)


class RecordingReader:
    """Conversation and user recordings of one org, read through its `Upstream`."""

    def __init__(self, instance: str, upstream: Upstream, *, format: MediaFormat, max_wait_ms: int) -> None:
        self.instance = instance
        self.upstream = upstream
        self.format = format
        self.max_wait_ms = max_wait_ms

    # -- analytics ---------------------------------------------------------------------------

    async def _details(self, body: dict[str, Any], entity: str) -> dict[str, Any]:
        response = await self.upstream.request("POST", ANALYTICS_PATH, entity=entity, read_only=True, json=body)
        result: dict[str, Any] = response.json()
        return result

    def _conversation(self, raw: dict[str, Any]) -> Conversation:
        return Conversation(
            str(raw["conversationId"]),
            mapping.parse_time(raw.get("conversationStart")),
            mapping.parse_time(raw.get("conversationEnd")),
            mapping.call_details(self.instance, raw),
        )

    async def conversations(
        self, window: Window, criteria: Criteria, *, descending: bool, page: int
    ) -> tuple[list[Conversation], int]:
        """One analytics page of the recorded conversations overlapping `window` that `criteria`
        narrow to, and the total. Newest first they come by end, else by start: each page then
        bounds the recordings of those after it (none starts after its conversation ends, or
        before it starts)."""
        body: dict[str, Any] = {
            "interval": window.interval,
            "order": "desc" if descending else "asc",
            "orderBy": "conversationEnd" if descending else "conversationStart",
            "paging": {"pageSize": ANALYTICS_PAGE, "pageNumber": page},
            "segmentFilters": criteria.segment_filters(),
        }
        if conversation_filters := criteria.conversation_filters():
            body["conversationFilters"] = conversation_filters
        result = await self._details(body, "recording_list")
        return [self._conversation(c) for c in result.get("conversations") or []], int(result.get("totalHits", 0))

    async def conversations_by_id(self, ids: Sequence[str], within: Window) -> dict[str, Conversation]:
        """Up to one analytics page of conversations by id (an ``or`` of id predicates)."""
        predicates = [
            {"type": "dimension", "dimension": "conversationId", "operator": "matches", "value": i}
            for i in sorted(set(ids))
        ]
        body = {
            "interval": within.interval,
            "order": "asc",
            "orderBy": "conversationStart",
            "paging": {"pageSize": ANALYTICS_PAGE, "pageNumber": 1},
            "conversationFilters": [{"type": "or", "predicates": predicates}],
        }
        result = await self._details(body, "call")
        found = (self._conversation(c) for c in result.get("conversations") or [])
        return {c.id: c for c in found}

    # -- conversation recordings -------------------------------------------------------------

    async def of_conversation(self, conversation_id: str, conversation: Conversation | None = None) -> list[Recording]:
        """The conversation's recordings (none when it is unknown). A 202 means media is still
        transcoding in our format: those recordings are PROCESSING, not an error. The call waits
        at most ``maxWaitMs`` (kept short: listing should not block on transcoding)."""
        try:
            response = await self.upstream.request(
                "GET",
                f"/api/v2/conversations/{conversation_id}/recordings",
                entity="recording",
                params={"formatId": self.format.name, "maxWaitMs": self.max_wait_ms},
            )
        except NotFound:
            return []
        transcoding = response.status_code == 202
        body = response.json() if response.content.strip() else None
        if not isinstance(body, list):  # a cold 202 may come with no body: read the metadata instead
            body = await self._metadata(conversation_id)
        return [
            mapping.conversation_recording(
                self.instance,
                {"conversationId": conversation_id, **raw},
                format=self.format,
                transcoding=transcoding,
                conversation_start=conversation.start if conversation else None,
                call=conversation.call if conversation else None,
            )
            for raw in body
            if isinstance(raw, dict) and "id" in raw
        ]

    async def _metadata(self, conversation_id: str) -> list[Any]:
        try:
            body = await self.upstream.get_json(
                f"/api/v2/conversations/{conversation_id}/recordingmetadata", entity="recording"
            )
        except NotFound:
            return []
        return body if isinstance(body, list) else []

    async def by_id(self, ids: Sequence[str]) -> list[Recording | None]:
        """Recordings by native id, in order: one call per conversation (shared with the listing's
        cache entries) and one per user recording."""
        conversations = {parts[0] for i in ids if (parts := mapping.split_recording_id(i))}
        users = [
            i.removeprefix(mapping.USER_RECORDING_PREFIX) for i in ids if i.startswith(mapping.USER_RECORDING_PREFIX)
        ]
        listed = await asyncio.gather(*(self.of_conversation(c) for c in sorted(conversations)))
        found: dict[str, Recording] = {r.source_id: r for rs in listed for r in rs}
        for user_recording in await asyncio.gather(*(self.user_recording(u) for u in dict.fromkeys(users))):
            if user_recording is not None:
                found[user_recording.source_id] = user_recording
        return [found.get(i) for i in ids]

    # -- user recordings ---------------------------------------------------------------------

    async def user_recording(self, vendor_id: str) -> Recording | None:
        if not vendor_id or "/" in vendor_id:
            return None
        try:
            raw = await self.upstream.get_json(
                f"/api/v2/userrecordings/{vendor_id}", entity="recording", params={"expand": "conversation"}
            )
        except NotFound:
            return None
        return mapping.user_recording(self.instance, raw, format=self.format)
