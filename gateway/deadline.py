"""The request's deadline: one instant per operation that every layer below reads and none extends.

`request_deadline(budget_s)` makes it current for a block (a contextvar, so the tasks and loader
batches the request starts share it). Below it, `remaining()` is what is left, `cutoff(source)`
bounds one upstream call at the deadline, and `bounded(source)` bounds a source's part of an
answer a little before it (leaving the margin to assemble the answer), turning the expiry into
that source's `DeadlinePassed` (a `SourceTimeout`). Outside requests (syncs, watchers) there is
no deadline.

Times are the running loop's clock, the one `asyncio.timeout_at` schedules on.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import math
from collections.abc import AsyncIterator, Iterator

from gateway.errors import SourceTimeout

__all__ = ["Deadline", "DeadlinePassed", "bounded", "cutoff", "remaining", "request_deadline"]

# The margin left to assemble an answer: this share of the budget, at most `MAX_MARGIN_S`.
MARGIN_SHARE = 0.1
MAX_MARGIN_S = 0.25


@dataclasses.dataclass(frozen=True)
class Deadline:
    """When the answer is due (loop time) and the budget it was set with (seconds)."""

    at: float
    budget_s: float

    @property
    def parts_due(self) -> float:
        """When the sources' parts are due: the deadline less the margin to assemble the answer."""
        return self.at - min(MAX_MARGIN_S, self.budget_s * MARGIN_SHARE)


class DeadlinePassed(SourceTimeout):
    """A source's part of the answer was cut by the request's deadline (`bounded`)."""


_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("recgate_deadline", default=None)


def _now() -> float:
    return asyncio.get_running_loop().time()


@contextlib.contextmanager
def request_deadline(budget_s: float) -> Iterator[Deadline]:
    """Make the deadline `budget_s` seconds from now current in the block; an earlier one stays."""
    current = _DEADLINE.get()
    proposed = Deadline(_now() + budget_s, budget_s)
    chosen = current if current is not None and current.at <= proposed.at else proposed
    token = _DEADLINE.set(chosen)
    try:
        yield chosen
    finally:
        _DEADLINE.reset(token)


def remaining() -> float:
    """Seconds left until the current deadline (0 once passed; infinite outside a request)."""
    current = _DEADLINE.get()
    return math.inf if current is None else max(0.0, current.at - _now())


def cutoff(source: str) -> asyncio.Timeout:
    """A timeout at the deadline for one call to `source`: `TimeoutError` when it passes inside.

    Raises `SourceTimeout` at once when the deadline has already passed: no call starts then.
    """
    current = _DEADLINE.get()
    if current is not None and _now() >= current.at:
        raise SourceTimeout(source, f"the request's {current.budget_s:g} s deadline has passed; not calling")
    return asyncio.timeout_at(None if current is None else current.at)


@contextlib.asynccontextmanager
async def bounded(source: str) -> AsyncIterator[None]:
    """Bound `source`'s part of the answer by the deadline less the assembly margin.

    The block is cut then and `DeadlinePassed(source)` raised, so the other parts still answer;
    when too little is left to start, it is raised before the block runs.
    """
    current = _DEADLINE.get()
    if current is None:
        yield
        return
    if _now() >= current.parts_due:
        raise DeadlinePassed(source, f"too little of the request's {current.budget_s:g} s deadline was left to ask")
    timeout = asyncio.timeout_at(current.parts_due)
    try:
        async with timeout:
            yield
    except TimeoutError as exc:
        if not timeout.expired():
            raise
        raise DeadlinePassed(source, f"no answer within the request's {current.budget_s:g} s deadline") from exc
