"""The simulated Catapult account: one user's calls and their recordings, drawn from the world.

Every world call becomes one Catapult call with exactly one recording (media ``{callId}-1``).
Entries are kept newest first, the order the sandbox lists them in. The newest `in_progress`
recordings are live when the app starts: `Lifecycle` moves them from ``recording`` to ``saving``
to ``complete`` as the sandbox's clock advances.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from sandboxes import world
from sandboxes.kit import SandboxConfig

__all__ = ["USER_PATH", "Account", "Entry", "Lifecycle", "State", "generate", "timestamp"]

VENDOR = "bandwidth"
# Every resource of the account lives under this path.
USER_PATH = "/v1/users/{userId}"
_ID_CHARS = 23
# One call in `_MP3_EVERY` records as mp3; one unshared, settled recording in `_ERROR_EVERY` failed.
_MP3_EVERY = 5
_ERROR_EVERY = 50


# Maps each byte of a digest to a lowercase alphanumeric, the alphabet of Catapult ids.
_ALPHANUMERIC = bytes(b"0123456789abcdefghijklmnopqrstuvwxyz"[byte % 36] for byte in range(256))


def timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds, as Catapult writes it (``2013-02-08T13:17:12.181Z``)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


class State(enum.StrEnum):
    """A recording's state."""

    RECORDING = "recording"
    SAVING = "saving"
    COMPLETE = "complete"
    ERROR = "error"


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """One recorded call: the call resource and its single recording."""

    recording_id: str
    call_id: str
    start: datetime
    duration_ms: int
    caller: str
    dialed: str
    file_format: str
    failed: bool

    @property
    def end(self) -> datetime:
        return self.start + timedelta(milliseconds=self.duration_ms)

    @property
    def media_name(self) -> str:
        return f"{self.call_id}-1.{self.file_format}"


def _entry(seed: int, call: world.Call, live: bool) -> Entry:
    digest = hashlib.blake2b(f"{VENDOR}:{seed}:{call.key}".encode(), digest_size=2 * _ID_CHARS + 2).digest()
    chars = digest[: 2 * _ID_CHARS].translate(_ALPHANUMERIC).decode()
    return Entry(
        recording_id=f"rec-{chars[:_ID_CHARS]}",
        call_id=f"c-{chars[_ID_CHARS : 2 * _ID_CHARS]}",
        start=call.start,
        duration_ms=call.duration_ms,
        caller=call.caller,
        dialed=call.dialed,
        file_format="mp3" if digest[-2] % _MP3_EVERY == 0 else "wav",
        failed=not live and not call.shared and digest[-1] % _ERROR_EVERY == 0,
    )


@dataclasses.dataclass(frozen=True)
class Lifecycle:
    """When the live recordings (the newest `in_progress`) stop recording and finish saving."""

    in_progress: int
    saving_after_s: float
    complete_after_s: float
    clock: Callable[[], float]
    started: float

    def state(self, index: int, entry: Entry) -> State:
        if index >= self.in_progress:
            return State.ERROR if entry.failed else State.COMPLETE
        elapsed = self.clock() - self.started
        if elapsed < self.saving_after_s:
            return State.RECORDING
        return State.SAVING if elapsed < self.complete_after_s else State.COMPLETE


def generate(config: SandboxConfig, in_progress: int) -> list[Entry]:
    """The account's entries, newest first; the newest `in_progress` are live, so never failed."""
    calls = world.calls(config.seed, config.size, VENDOR, anchor=config.anchor or world.anchor_now())
    calls.reverse()
    return [_entry(config.seed, call, index < in_progress) for index, call in enumerate(calls)]


@dataclasses.dataclass(frozen=True)
class Account:
    """One Catapult user's recorded calls, newest first, with lookups by id and media name."""

    user_id: str
    entries: Sequence[Entry]
    lifecycle: Lifecycle
    by_recording: Mapping[str, int]
    by_call: Mapping[str, int]
    by_media: Mapping[str, int]
    # Indexes of the settled (not live), downloadable entries, newest first.
    settled_media: Sequence[int]

    @classmethod
    def of(cls, user_id: str, entries: Sequence[Entry], lifecycle: Lifecycle) -> Account:
        """The account holding `entries` (from `generate`), indexed."""
        return cls(
            user_id=user_id,
            entries=entries,
            lifecycle=lifecycle,
            by_recording={entry.recording_id: index for index, entry in enumerate(entries)},
            by_call={entry.call_id: index for index, entry in enumerate(entries)},
            by_media={entry.media_name: index for index, entry in enumerate(entries)},
            settled_media=[index for index in range(lifecycle.in_progress, len(entries)) if not entries[index].failed],
        )

    def state(self, index: int) -> State:
        return self.lifecycle.state(index, self.entries[index])

    def media_page(self, offset: int, size: int) -> tuple[list[int], bool]:
        """Downloadable entries ``[offset, offset + size)`` and whether more follow."""
        live = [
            index
            for index in range(min(self.lifecycle.in_progress, len(self.entries)))
            if self.state(index) is State.COMPLETE
        ]
        total = len(live) + len(self.settled_media)
        chosen = [
            live[position] if position < len(live) else self.settled_media[position - len(live)]
            for position in range(offset, min(offset + size, total))
        ]
        return chosen, offset + size < total
