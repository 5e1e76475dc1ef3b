"""Single-flight: identical fetches that are in flight at the same time run once.

In one process, callers that want the same keys share one task: a caller that is cancelled
leaves it running for the others (it stops only when nobody waits for it any more), and its
error reaches every caller. Across replicas, that task first takes a short lock per key in the
shared cache (``SET NX PX``): it fetches the keys it locked, and waits in the cache for the keys
another replica holds, fetching them itself only if that replica lets its lock go (or keeps it
past the wait) without storing them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Generic, TypeVar

from gateway.cache.base import Cache, cache_key
from gateway.errors import GatewayError

__all__ = ["LOCK_TTL_S", "Fetch", "SingleFlight"]

T = TypeVar("T")
# Values by key: `fetch` answers every key it is given, a `peek` at the cache those it finds stored.
Fetch = Callable[[list[str]], Awaitable[Mapping[str, T]]]

# How long a replica's claim on a fetch lasts, should it die before letting go.
LOCK_TTL_S = 10.0
_FIRST_POLL_S = 0.005
_MAX_POLL_S = 0.1


class _Flight(Generic[T]):
    """One shared fetch: the keys it answers and how many callers wait for it."""

    def __init__(self, keys: list[str], task: asyncio.Task[dict[str, T]]) -> None:
        self.keys = keys
        self.task = task
        self.waiters = 0


class SingleFlight(Generic[T]):
    """Runs each fetch once however many callers (and replicas) want its keys at the same time.

    Keys are the cache keys the fetched values are stored under (with whatever makes two flights
    differ, e.g. the generation): the locks are named after them. `wait_s` bounds how long a
    replica waits for another's delivery (by default as long as a lock lives).
    """

    def __init__(self, cache: Cache, *, lock_ttl_s: float = LOCK_TTL_S, wait_s: float | None = None) -> None:
        self._cache = cache
        self._lock_ttl_s = lock_ttl_s
        self._wait_s = lock_ttl_s if wait_s is None else wait_s
        self._flights: dict[str, _Flight[T]] = {}

    @property
    def in_flight(self) -> int:
        """Keys being fetched in this process now."""
        return len(self._flights)

    async def run(self, keys: Sequence[str], fetch: Fetch[T], peek: Fetch[T]) -> dict[str, T]:
        """The value of every key: joined from flights under way here, the rest fetched by a new one.

        `fetch` must store what it fetched where `peek` (a cache read) finds it, so that the
        replicas waiting for those keys see it.
        """
        wanted = list(dict.fromkeys(keys))
        flights = {flight for key in wanted if (flight := self._flights.get(key)) is not None}
        led = [key for key in wanted if key not in self._flights]
        if led:
            flights.add(self._start(led, fetch, peek))
        for flight in flights:
            flight.waiters += 1
        try:
            answers = await asyncio.gather(*(asyncio.shield(flight.task) for flight in flights))
        finally:
            for flight in flights:
                self._leave(flight)
        merged: dict[str, T] = {}
        for answer in answers:
            merged.update(answer)
        return {key: merged[key] for key in wanted}

    def _start(self, keys: list[str], fetch: Fetch[T], peek: Fetch[T]) -> _Flight[T]:
        flight = _Flight(keys, asyncio.create_task(self._lead(keys, fetch, peek)))
        for key in keys:
            self._flights[key] = flight
        flight.task.add_done_callback(lambda _: self._forget(flight))
        return flight

    def _leave(self, flight: _Flight[T]) -> None:
        flight.waiters -= 1
        if flight.waiters == 0 and not flight.task.done():
            self._forget(flight)  # at once: a caller arriving now starts afresh, not on a cancelled task
            flight.task.cancel()

    def _forget(self, flight: _Flight[T]) -> None:
        for key in flight.keys:
            if self._flights.get(key) is flight:
                del self._flights[key]

    # -- across replicas ---------------------------------------------------------------------

    async def _lead(self, keys: list[str], fetch: Fetch[T], peek: Fetch[T]) -> dict[str, T]:
        locks = {key: cache_key("flight", key) for key in keys}
        try:
            taken = await self._cache.add_many(list(locks.values()), b"1", ttl_s=self._lock_ttl_s)
        except GatewayError:  # no shared cache to coordinate through: fetch here
            return dict(await fetch(keys))
        held = [key for key, took in zip(keys, taken, strict=True) if took]
        elsewhere = [key for key, took in zip(keys, taken, strict=True) if not took]
        parts = [
            asyncio.ensure_future(self._fetch_held(held, fetch, peek)),
            asyncio.ensure_future(self._await_delivery(elsewhere, locks, fetch, peek)),
        ]
        try:
            mine, theirs = await asyncio.gather(*parts)
        finally:
            for part in parts:
                part.cancel()
            if held:
                with contextlib.suppress(GatewayError):
                    await self._cache.delete(*(locks[key] for key in held))
        return {**mine, **theirs}

    async def _fetch_held(self, keys: list[str], fetch: Fetch[T], peek: Fetch[T]) -> dict[str, T]:
        if not keys:
            return {}
        # Another replica may have stored them and let go just before this one took the locks.
        found = await self._peek(keys, peek)
        rest = [key for key in keys if key not in found]
        if rest:
            found.update(await fetch(rest))
        return found

    async def _await_delivery(
        self, keys: list[str], locks: Mapping[str, str], fetch: Fetch[T], peek: Fetch[T]
    ) -> dict[str, T]:
        """Keys another replica is fetching, read from the cache once it stored them; fetched here
        if it lets go of them without storing them, or once `wait_s` has passed."""
        found: dict[str, T] = {}
        pending = keys
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_s
        delay = _FIRST_POLL_S
        while pending:
            try:  # the locks before the values: a lock gone with no value stored means no delivery
                claims = await self._cache.get_many([locks[key] for key in pending])
            except GatewayError:
                claims = [None] * len(pending)
            claimed = {key for key, claim in zip(pending, claims, strict=True) if claim is not None}
            found.update(await self._peek(pending, peek))
            pending = [key for key in pending if key not in found]
            expired = loop.time() >= deadline
            undelivered = [key for key in pending if expired or key not in claimed]
            if undelivered:
                found.update(await fetch(undelivered))
                pending = [key for key in pending if key not in found]
            if pending:
                await asyncio.sleep(delay)
                delay = min(delay * 2, _MAX_POLL_S)
        return found

    @staticmethod
    async def _peek(keys: list[str], peek: Fetch[T]) -> dict[str, T]:
        try:
            return dict(await peek(keys))
        except GatewayError:
            return {}
