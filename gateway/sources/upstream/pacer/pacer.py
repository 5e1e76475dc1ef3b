"""`Pacer`: one source instance's calls wait for a slot of their rate key, interactive ones first.

Callers of one rate key stand in a line, best priority first, then first come; only the first
asks the windows for a slot, so a full window costs one question per slot, not one per caller.
A call waits only while its deadline allows: when the slot cannot come in time it fails at once
with `NoSlotInTime`, and nothing is sent. Holding a slot also holds one of `max_concurrency`
places in flight, taken just before the slot, so no wait comes between the slot and the send
(a wait there would let sends bunch up at the vendor).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import heapq
import itertools
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from gateway.context import Priority
from gateway.errors import SourceRateLimited
from gateway.sources.upstream.pacer.options import Pacing
from gateway.sources.upstream.pacer.rate import RateLimit
from gateway.sources.upstream.pacer.windows import Windows

__all__ = ["NoSlotInTime", "Pacer"]

# Background work may fill this share of a window; the rest stays for interactive calls, even
# those of other replicas (which this replica's line cannot see).
_BACKGROUND_SHARE = 0.75
# How long a key pauses after a 429 that says nothing about when to come back.
_UNHINTED_PAUSE_S = 1.0
# A caller gives up this much before its deadline, so it hears `NoSlotInTime` from the pacer
# rather than its own cut at the deadline (which would count against the source's breaker).
_GIVE_UP_EARLY_S = 0.005


class NoSlotInTime(SourceRateLimited):
    """The source's rate budget has no slot for the call before its deadline; nothing was sent."""


@dataclasses.dataclass(eq=False)
class _Turn:
    priority: Priority
    order: int
    deadline: float
    # Set when the turn comes first in its line, or when the line expects no slot before `deadline`.
    ready: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)

    def __lt__(self, other: _Turn) -> bool:
        return (self.priority, self.order) < (other.priority, other.order)


class _Line:
    """The callers waiting for one rate key."""

    def __init__(self) -> None:
        self._turns: list[_Turn] = []
        # When the first caller was told a slot may free (by the pacer's clock).
        self.free_at = -math.inf

    def __bool__(self) -> bool:
        return bool(self._turns)

    def first(self, turn: _Turn) -> bool:
        return self._turns[0] is turn

    def join(self, turn: _Turn) -> None:
        heapq.heappush(self._turns, turn)
        self._turns[0].ready.set()

    def leave(self, turn: _Turn) -> None:
        self._turns.remove(turn)
        heapq.heapify(self._turns)
        if self._turns:
            self._turns[0].ready.set()

    def expect(self, free_at: float) -> None:
        """No slot before `free_at`: wake the callers that cannot wait that long, to give up."""
        self.free_at = free_at
        for turn in self._turns:
            if turn.deadline < free_at:
                turn.ready.set()


class Pacer:
    """Paces the calls of source `source` by `pacing`, counting them in `windows`.

    `clock` (seconds) is the one deadlines are given on, the event loop's by default; `sleep`
    waits on it.
    """

    def __init__(
        self,
        source: str,
        windows: Windows,
        pacing: Pacing,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.source = source
        self.windows = windows
        self.pacing = pacing
        self.clock = clock
        self._sleep = sleep
        window = pacing.limit.widened(pacing.margin_s) if pacing.limit else None
        background = window and RateLimit(max(1, math.floor(window.limit * _BACKGROUND_SHARE)), window.period_s)
        self._windows_by_priority = {Priority.INTERACTIVE: window, Priority.BACKGROUND: background}
        self._lines: dict[str, _Line] = {}
        self._in_flight = asyncio.Semaphore(pacing.max_concurrency)
        self._order = itertools.count()

    @contextlib.asynccontextmanager
    async def slot(self, key: str, priority: Priority, deadline: float | None = None) -> AsyncIterator[None]:
        """Hold a slot of rate key `key` and a place in flight while sending one request.

        Waits until `deadline` (on the pacer's clock; default `max_wait_s` from now) at most, a few
        milliseconds less, and raises `NoSlotInTime` at once when the slot is known to come later.
        """
        if deadline is None:
            deadline = self.clock() + self.pacing.max_wait_s
        await self._wait_for_slot(key, priority, deadline - _GIVE_UP_EARLY_S)
        try:
            yield
        finally:
            self._in_flight.release()

    async def throttled(self, key: str, retry_after_s: float | None) -> None:
        """The vendor answered 429 on `key`: pause it for everyone, as long as the vendor said."""
        await self.windows.pause(key, _UNHINTED_PAUSE_S if retry_after_s is None else retry_after_s)

    async def _wait_for_slot(self, key: str, priority: Priority, deadline: float) -> None:
        line = self._lines.setdefault(key, _Line())
        turn = _Turn(priority, next(self._order), deadline)
        line.join(turn)
        try:
            while True:
                if line.first(turn):
                    wait = await self._take(key, priority, deadline)
                    if wait <= 0:
                        return
                    line.expect(self.clock() + wait)
                    if line.free_at > deadline:
                        raise self._too_late(line.free_at)
                    await self._sleep(wait)
                elif line.free_at > deadline:  # the first in line waits at least that long, and so would this
                    raise self._too_late(line.free_at)
                else:
                    turn.ready.clear()
                    await self._until(turn.ready, deadline)
        finally:
            line.leave(turn)
            if not line:
                del self._lines[key]

    async def _take(self, key: str, priority: Priority, deadline: float) -> float:
        """0.0 holding a slot and a place in flight, else the seconds until a slot may free."""
        await self._until_acquired(deadline)
        try:
            wait = await self.windows.take(key, self._windows_by_priority[priority])
        except BaseException:
            self._in_flight.release()
            raise
        if wait > 0:
            self._in_flight.release()
        return wait

    async def _until(self, event: asyncio.Event, deadline: float) -> None:
        try:
            async with asyncio.timeout(max(0.0, deadline - self.clock())):
                await event.wait()
        except TimeoutError:
            raise self._too_late(None) from None

    async def _until_acquired(self, deadline: float) -> None:
        try:
            async with asyncio.timeout(max(0.0, deadline - self.clock())):
                await self._in_flight.acquire()
        except TimeoutError:
            raise self._too_late(None) from None

    def _too_late(self, free_at: float | None) -> NoSlotInTime:
        limit = self.pacing.limit
        budget = f"{limit.limit} requests per {limit.period_s:g} s" if limit else "the vendor's last 429"
        return NoSlotInTime(
            self.source,
            f"no request slot before the deadline (paced by {budget})",
            status_code=None,
            retry_after_s=None if free_at is None else max(0.0, free_at - self.clock()),
        )
