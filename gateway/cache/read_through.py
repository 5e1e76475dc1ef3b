"""Read-through caching per (namespace, entity): one round trip per hit, each miss fetched once.

Every entity of a namespace (a source instance) has a generation, a random token in the cache.
An entry is stored with the generation its lookup saw, and a lookup reads the generation and the
entries in one ``MGET``: a hit costs one round trip, and an entry of an older generation is a
miss. `invalidate` draws a new token, so every replica stops serving the old entries at once; a
generation the cache lost (evicted, expired) is drawn anew, so old entries never come back.
Misses go through `SingleFlight`, keyed by entry and generation: a caller that looks up after an
invalidation never joins a fetch that began before it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import secrets
from collections.abc import Mapping, Sequence

from gateway.cache.base import Cache, cache_key
from gateway.cache.singleflight import Fetch, SingleFlight
from gateway.errors import GatewayError

__all__ = ["ReadThrough"]

_GENERATION_TTL_S = 30 * 86400
# An entry is its generation, this separator, then the payload (generations are hex tokens).
_SEPARATOR = b"\n"


@dataclasses.dataclass(frozen=True)
class _Lookup:
    generation: bytes
    hits: dict[str, bytes]


def _payload(entry: bytes, generation: bytes) -> bytes | None:
    """The payload of `entry` if it was stored under `generation`."""
    stored_under, separator, payload = entry.partition(_SEPARATOR)
    return payload if separator and stored_under == generation else None


class ReadThrough:
    """Payloads (bytes) by cache key, each entity's entries living `ttls[entity]` seconds."""

    def __init__(self, cache: Cache, namespace: str, ttls: Mapping[str, float]) -> None:
        self._cache = cache
        self._namespace = namespace
        self._ttls = ttls
        self._flights: SingleFlight[bytes] = SingleFlight(cache)

    async def get(
        self, entity: str, keys: Sequence[str], fetch: Fetch[bytes], *, fresh: bool = False
    ) -> dict[str, bytes]:
        """The payload of every key: hits in one round trip; the rest fetched once however many
        callers want them at the same time, and stored. `fresh` skips cached entries and flights
        under way (it still stores what it fetched). Cache outages never fail a call."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        try:
            lookup: _Lookup | None = await self._lookup(entity, wanted)
        except GatewayError:
            lookup = None
        found = {} if lookup is None or fresh else dict(lookup.hits)
        missing = [key for key in wanted if key not in found]
        if not missing:
            return found
        generation = b"" if lookup is None else lookup.generation

        async def fetch_and_store(some: list[str]) -> Mapping[str, bytes]:
            payloads = await fetch(some)
            if lookup is not None:
                await self._store(entity, generation, payloads)
            return payloads

        if fresh:
            found.update(await fetch_and_store(missing))
            return found
        # A flight is one key under one generation; its fetch and peek see the cache keys.
        flights = {f"{key}@{generation.hex()}": key for key in missing}

        async def fetch_flights(some: list[str]) -> dict[str, bytes]:
            payloads = await fetch_and_store([flights[flight] for flight in some])
            return {flight: payloads[flights[flight]] for flight in some}

        async def peek_flights(some: list[str]) -> dict[str, bytes]:
            hits = (await self._lookup(entity, [flights[flight] for flight in some])).hits
            return {flight: hits[flights[flight]] for flight in some if flights[flight] in hits}

        delivered = await self._flights.run(list(flights), fetch_flights, peek_flights)
        found.update((flights[flight], payload) for flight, payload in delivered.items())
        return found

    async def invalidate(self, entity: str) -> None:
        """Forget every entry of `entity`, on every replica (`GatewayError` when the cache is down)."""
        await self._cache.set(self._generation_key(entity), secrets.token_hex(8).encode(), ttl_s=_GENERATION_TTL_S)

    def _generation_key(self, entity: str) -> str:
        return cache_key("generation", self._namespace, entity)

    async def _lookup(self, entity: str, keys: list[str]) -> _Lookup:
        generation_key = self._generation_key(entity)
        generation, *entries = await self._cache.get_many([generation_key, *keys])
        if generation is None:
            return _Lookup(await self._new_generation(generation_key), {})
        hits = {
            key: payload
            for key, entry in zip(keys, entries, strict=True)
            if entry is not None and (payload := _payload(entry, generation)) is not None
        }
        return _Lookup(generation, hits)

    async def _new_generation(self, key: str) -> bytes:
        """A generation for an entity the cache has none for; another replica's if it drew one first."""
        token = secrets.token_hex(8).encode()
        if await self._cache.add(key, token, ttl_s=_GENERATION_TTL_S):
            return token
        return await self._cache.get(key) or token

    async def _store(self, entity: str, generation: bytes, payloads: Mapping[str, bytes]) -> None:
        entries = {key: generation + _SEPARATOR + payload for key, payload in payloads.items()}
        # Cache outages never fail a call: a failed write is simply dropped.
        with contextlib.suppress(GatewayError):
            await self._cache.set_many(entries, ttl_s=self._ttls.get(entity, 0))
