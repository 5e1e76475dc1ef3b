"""Seeded generation of the org's users, conversation recordings, user recordings and orphans.

Everything derives from `SandboxConfig` (seed, size, anchor) through `world`: one recording per
world call (so conversations and people overlap with the other vendors' sandboxes), a second
one joining some longer calls part-way (a consult leg, recorded from when it joined), plus a
share of user recordings and orphans. The loop does a few random draws per recording and no
hashing (ids come from the seeded generator): 100,000 recordings, world calls included, take
about 2.5 s.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta

from ..world import Call, Person, calls, roster, stable_uuid

__all__ = [
    "KIND",
    "ConvRecording",
    "Member",
    "Orphan",
    "RecordingJob",
    "UserRecording",
    "add_consults",
    "make_members",
    "make_orphans",
    "make_recordings",
    "make_user_recordings",
]

KIND = "genesys_cloud"

# (fileState, cumulative share): mostly AVAILABLE, a few in every other state.
_FILE_STATES = (
    ("AVAILABLE", 0.86),
    ("ARCHIVED", 0.91),
    ("DELETED", 0.94),
    ("RESTORED", 0.96),
    ("RESTORING", 0.97),
    ("UPLOADING", 0.985),
    ("ERROR", 1.0),
)
# One call in twelve of at least a minute gets a consult leg, recorded from when it joined.
_CONSULT_SHARE = 1 / 12
_CONSULT_MIN_CALL_MS = 60_000
_DEPARTMENTS = ("Sales", "Support", "Billing", "Retention", "Operations")
_TITLES = ("Agent", "Senior Agent", "Team Lead", "Supervisor")


@dataclasses.dataclass(slots=True)
class Member:
    """One org user: a world person plus Genesys-only attributes."""

    person: Person
    state: str
    department: str
    title: str
    version: int


@dataclasses.dataclass(slots=True)
class ConvRecording:
    """One conversation recording; mutable retention fields change through PUT and jobs."""

    id: str
    call: Call
    media: str
    subtype: str
    file_state: str
    transcode_ms: int
    archive_date: datetime | None = None
    delete_date: datetime | None = None
    export_date: datetime | None = None
    restore_expiration: datetime | None = None
    restore_ready_at: float | None = None
    annotations: dict[str, dict[str, object]] | None = None
    # How far into its call the recording starts (a consult leg joins part-way); it ends with the call.
    offset_ms: int = 0
    # The user recorded: the call's agent, or the one consulted.
    consulted: Person | None = None

    @property
    def user(self) -> Person:
        return self.consulted or self.call.agent

    @property
    def conversation_id(self) -> str:
        return self.call.conversation_id

    @property
    def start(self) -> datetime:
        return self.call.start + timedelta(milliseconds=self.offset_ms)

    @property
    def end(self) -> datetime:
        return self.call.end

    @property
    def duration_ms(self) -> int:
        return self.call.duration_ms - self.offset_ms

    @property
    def session_id(self) -> str:
        return stable_uuid(self.id, "session")


@dataclasses.dataclass(slots=True)
class UserRecording:
    """A recording in the API user's own inbox (``/userrecordings``)."""

    id: str
    name: str
    created: datetime
    modified: datetime
    creator: Person
    call: Call
    read: bool
    transcode_ms: int


@dataclasses.dataclass(slots=True)
class Orphan:
    """A recording whose conversation could not be matched (``/orphanrecordings``)."""

    id: str
    recording_id: str
    created: datetime
    recovered: datetime | None
    provider: str
    media_type: str
    subtype: str
    file_state: str
    status: str
    duration_ms: int
    conversation_id: str | None
    region: str
    transcode_ms: int


def make_members(seed: int) -> list[Member]:
    """The world roster as Genesys users; every 40th is deleted and every 25th inactive."""
    rng = random.Random(f"{seed}:{KIND}:users")
    members = []
    for index, person in enumerate(roster(seed)):
        state = "deleted" if index % 40 == 39 else "inactive" if index % 25 == 24 else "active"
        members.append(Member(person, state, rng.choice(_DEPARTMENTS), rng.choice(_TITLES), rng.randrange(1, 12)))
    return members


def _random_uuid(rng: random.Random) -> str:
    """A version-4 UUID from `rng`: deterministic, and cheaper than hashing per recording."""
    digits = f"{rng.getrandbits(128) & ~(0xF << 76) & ~(0x3 << 62) | (0x4 << 76) | (0x2 << 62):032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def _file_state(draw: float) -> str:
    for state, bound in _FILE_STATES:
        if draw < bound:
            return state
    return "AVAILABLE"


def make_recordings(seed: int, size: int, anchor: datetime) -> list[ConvRecording]:
    """One recording per world call for this vendor, oldest first."""
    rng = random.Random(f"{seed}:{KIND}:recordings")
    result = []
    for call in calls(seed, size, KIND, anchor=anchor):
        screen = rng.random() < 0.03
        subtype_draw = rng.random()
        subtype = (
            "Screen" if screen else "Trunk" if subtype_draw < 0.75 else "Station" if subtype_draw < 0.95 else "Consult"
        )
        state = _file_state(rng.random())
        cold = rng.random() < 0.15
        rec = ConvRecording(
            id=_random_uuid(rng),
            call=call,
            media="screen" if screen else "audio",
            subtype=subtype,
            file_state=state,
            transcode_ms=rng.randrange(300, 1500) if cold else 0,
        )
        age = anchor - call.end
        if state in ("ARCHIVED", "RESTORED", "RESTORING"):
            rec.archive_date = call.end + age * rng.random()
        if state == "RESTORED":
            rec.restore_expiration = anchor + timedelta(days=rng.randrange(1, 7))
        if state == "DELETED":
            rec.delete_date = call.end + age * rng.random()
        elif rng.random() < 0.3:
            rec.delete_date = call.start + timedelta(days=90)
        result.append(rec)
    return result


def add_consults(seed: int, recordings: list[ConvRecording], people: list[Person]) -> list[ConvRecording]:
    """`recordings` with, after some of the longer calls' recordings, the recording of a colleague
    the agent consulted part-way (same order by call start; its own generator, so the other
    recordings stay as they were)."""
    rng = random.Random(f"{seed}:{KIND}:consults")
    result = []
    for rec in recordings:
        result.append(rec)
        call = rec.call
        if rec.media == "audio" and call.duration_ms >= _CONSULT_MIN_CALL_MS and rng.random() < _CONSULT_SHARE:
            colleague = people[rng.randrange(len(people))]
            offset = rng.randrange(20_000, call.duration_ms - 10_000)
            result.append(
                ConvRecording(
                    _random_uuid(rng), call, "audio", "Consult", "AVAILABLE", 0, offset_ms=offset, consulted=colleague
                )
            )
    return result


def make_user_recordings(seed: int, recordings: list[ConvRecording], people: list[Person]) -> list[UserRecording]:
    """Recordings the API user made during calls: one per twenty calls (12 to 2,000)."""
    rng = random.Random(f"{seed}:{KIND}:userrecordings")
    count = min(max(12, len(recordings) // 20), 2000, len(recordings))
    picks = sorted(rng.sample(range(len(recordings)), count))
    result = []
    for number, index in enumerate(picks):
        call = recordings[index].call
        created = call.end + timedelta(seconds=rng.randrange(1, 120))
        result.append(
            UserRecording(
                id=stable_uuid(seed, KIND, "userrecording", number),
                name=f"Call with {call.caller} on {call.start:%Y-%m-%d %H:%M}",
                created=created,
                modified=created,
                creator=people[rng.randrange(len(people))] if rng.random() < 0.2 else call.agent,
                call=call,
                read=rng.random() < 0.6,
                transcode_ms=rng.randrange(300, 1200) if rng.random() < 0.2 else 0,
            )
        )
    return result


_ORPHAN_STATUSES = (
    "NO_CONVERSATION",
    "UNKNOWN_CONVERSATION",
    "CONVERSATION_NOT_COMPLETE",
    "CONVERSATION_NOT_EVALUATED",
    "EVALUATED",
)
_REGIONS = {"us-east": "us-east-1", "us-west": "us-west-2", "eu-central": "eu-central-1"}


def make_orphans(seed: int, size: int, anchor: datetime) -> list[Orphan]:
    """One orphan per fifty recordings (8 to 1,000); most still have a conversation id."""
    rng = random.Random(f"{seed}:{KIND}:orphans")
    count = min(max(8, size // 50), 1000)
    result = []
    for number in range(count):
        screen = rng.random() < 0.1
        status = _ORPHAN_STATUSES[rng.randrange(len(_ORPHAN_STATUSES))]
        created = anchor - timedelta(milliseconds=rng.randrange(30 * 86_400_000))
        created = created.replace(microsecond=created.microsecond // 1000 * 1000)
        recovered = created + timedelta(minutes=rng.randrange(5, 600)) if rng.random() < 0.3 else None
        result.append(
            Orphan(
                id=stable_uuid(seed, KIND, "orphan", number),
                recording_id=stable_uuid(seed, KIND, "orphan", number, "recording"),
                created=created,
                recovered=recovered if recovered and recovered < anchor else None,
                provider="SCREEN_RECORDING" if screen else "EDGE",
                media_type="SCREEN" if screen else "CALL",
                subtype="Screen" if screen else "Trunk",
                file_state="ARCHIVED" if rng.random() < 0.1 else "AVAILABLE",
                status=status,
                duration_ms=rng.randrange(10_000, 600_000),
                conversation_id=None
                if status == "NO_CONVERSATION"
                else stable_uuid(seed, KIND, "orphan", number, "conversation"),
                region=list(_REGIONS.values())[rng.randrange(len(_REGIONS))],
                transcode_ms=rng.randrange(300, 1500) if rng.random() < 0.3 else 0,
            )
        )
    result.sort(key=lambda orphan: orphan.created)
    return result


@dataclasses.dataclass(slots=True)
class RecordingJob:
    """A bulk recording job (``/recording/jobs``): PENDING, then READY, then executed."""

    id: str
    query: dict[str, object]
    created: datetime
    ready_at: float
    recording_ids: list[str]
    conversations: int
    state: str = "PENDING"
    processed: int = 0
