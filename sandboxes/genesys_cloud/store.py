"""All state of one Genesys Cloud sandbox: seeded data plus what requests change.

The sandbox's world time (`Store.now`) starts at the config's anchor and runs with the clock,
so retention dates seeded relative to the anchor stay meaningful however old the anchor is.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..kit import SandboxConfig
from ..world import anchor_now, stable_uuid
from .auth import Credentials, TokenStore
from .catalog import (
    default_settings,
    make_encryption_keys,
    make_local_configs,
    make_policies,
    make_rotation_schedule,
    make_screen_sessions,
)
from .data import (
    KIND,
    ConvRecording,
    Member,
    Orphan,
    RecordingJob,
    UserRecording,
    add_consults,
    make_members,
    make_orphans,
    make_recordings,
    make_user_recordings,
)
from .errors import not_found
from .params import iso

__all__ = ["Store"]

_RESTORE_S = 2.0  # how long RESTORING lasts before RESTORED
_ENCODED_CACHE = 8


class Store:
    """Seeded entities, indexes and mutable state of one sandbox app."""

    def __init__(self, config: SandboxConfig, credentials: Credentials, clock: Callable[[], float]) -> None:
        self.seed = config.seed
        self.anchor = config.anchor or anchor_now()
        self.clock = clock
        self._started = clock()
        self.tokens = TokenStore(credentials, clock)
        self.media_secret = stable_uuid(config.seed, KIND, "media-signing").encode()
        self.division_id = stable_uuid(config.seed, KIND, "division")
        self.members: dict[str, Member] = {m.person.uuid: m for m in make_members(config.seed)}
        people = [member.person for member in self.members.values()]
        self.api_user = next(m.person for m in self.members.values() if m.state == "active")
        primaries = make_recordings(config.seed, config.size, self.anchor)
        timeline = add_consults(config.seed, primaries, people)
        self.timeline = timeline
        self.starts = [rec.call.start for rec in timeline]
        self.recordings: dict[str, ConvRecording] = {rec.id: rec for rec in timeline}
        self.by_conversation: dict[str, list[ConvRecording]] = {}
        for rec in timeline:
            self.by_conversation.setdefault(rec.conversation_id, []).append(rec)
        self.user_recordings: dict[str, UserRecording] = {
            ur.id: ur
            for ur in sorted(
                make_user_recordings(config.seed, primaries, people), key=lambda ur: ur.created, reverse=True
            )
        }
        self.orphans: dict[str, Orphan] = {o.id: o for o in make_orphans(config.seed, config.size, self.anchor)}
        self.policies = make_policies(config.seed, self.anchor, people)
        self.local_configs = make_local_configs(config.seed)
        self.keys = make_encryption_keys(config.seed, self.anchor, people)
        self.rotation = make_rotation_schedule(config.seed)
        self.settings = default_settings()
        self.screen_sessions = make_screen_sessions(config.seed, [rec.call for rec in timeline[-4:]])
        self.jobs: dict[str, RecordingJob] = {}
        self.transcodes: dict[tuple[str, str], float] = {}
        self.encoded: OrderedDict[tuple[str, str, int], bytes] = OrderedDict()
        # The size of every file ever encoded, kept after its bytes leave `encoded`.
        self.encoded_sizes: dict[tuple[str, str, int], int] = {}

    # -- time -------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The sandbox's world time: the anchor plus the time since start."""
        return self.anchor + timedelta(seconds=self.clock() - self._started)

    # -- lookups ----------------------------------------------------------------------------

    def recording(self, conversation_id: str, recording_id: str) -> ConvRecording:
        rec = self.recordings.get(recording_id)
        if rec is None or rec.conversation_id != conversation_id:
            raise not_found(f"Recording {recording_id} was not found in conversation {conversation_id}.")
        return self.refresh(rec)

    def conversation(self, conversation_id: str) -> list[ConvRecording]:
        recs = self.by_conversation.get(conversation_id)
        if recs is None:
            raise not_found(f"Conversation {conversation_id} was not found.")
        return [self.refresh(rec) for rec in recs]

    def refresh(self, rec: ConvRecording) -> ConvRecording:
        """Advance a recording's fileState with time: restores finish, retention dates fire."""
        now = self.now()
        if rec.file_state == "RESTORING" and rec.restore_ready_at is not None and self.clock() >= rec.restore_ready_at:
            rec.file_state, rec.restore_ready_at = "RESTORED", None
            rec.restore_expiration = rec.restore_expiration or now + timedelta(days=2)
        if rec.file_state == "RESTORED" and rec.restore_expiration is not None and rec.restore_expiration <= now:
            rec.file_state, rec.restore_expiration = "ARCHIVED", None
        if rec.delete_date is not None and rec.delete_date <= now and rec.file_state != "DELETED":
            rec.file_state = "DELETED"
        elif rec.archive_date is not None and rec.archive_date <= now and rec.file_state == "AVAILABLE":
            rec.file_state = "ARCHIVED"
        return rec

    def restore(self, rec: ConvRecording, until: datetime) -> None:
        """Bring an archived recording back until `until` (RESTORING, then RESTORED)."""
        rec.file_state = "RESTORING"
        rec.restore_ready_at = self.clock() + _RESTORE_S
        rec.restore_expiration = until

    # -- annotations ------------------------------------------------------------------------

    def annotations(self, rec: ConvRecording) -> dict[str, dict[str, Any]]:
        """The recording's annotations; a quarter of audio recordings start with a hold."""
        if rec.annotations is None:
            rec.annotations = {}
            rng = random.Random(rec.id)
            duration = rec.duration_ms
            if rec.media == "audio" and rng.random() < 0.25:
                location = rng.randrange(0, duration // 2)
                length = rng.randrange(3000, max(3001, min(60_000, duration - location)))
                annotation_id = stable_uuid(rec.id, "annotation", 0)
                rec.annotations[annotation_id] = {
                    "id": annotation_id,
                    "name": "Hold",
                    "location": location,
                    "durationMs": length,
                    "absoluteLocation": location,
                    "absoluteDurationMs": length,
                    "recordingLocation": location,
                    "recordingDurationMs": length,
                    "realtimeLocation": location,
                    "reason": "Hold",
                    "selfUri": self.annotation_uri(rec, annotation_id),
                }
        return rec.annotations

    @staticmethod
    def annotation_uri(rec: ConvRecording, annotation_id: str) -> str:
        return f"/api/v2/conversations/{rec.conversation_id}/recordings/{rec.id}/annotations/{annotation_id}"

    # -- transcoding ------------------------------------------------------------------------

    def transcode_left_s(self, media_id: str, media_format: str, transcode_ms: int) -> float:
        """Seconds until `media_id` is ready in `media_format`; the first ask starts the work."""
        if transcode_ms <= 0 or media_format == "NONE":
            return 0.0
        ready_at = self.transcodes.setdefault((media_id, media_format), self.clock() + transcode_ms / 1000)
        return max(0.0, ready_at - self.clock())

    def cache_encoded(self, key: tuple[str, str, int], data: bytes) -> None:
        self.encoded[key] = data
        self.encoded_sizes[key] = len(data)
        self.encoded.move_to_end(key)
        while len(self.encoded) > _ENCODED_CACHE:
            self.encoded.popitem(last=False)

    def stamp(self) -> str:
        """``now`` in the API's datetime format."""
        return iso(self.now())
