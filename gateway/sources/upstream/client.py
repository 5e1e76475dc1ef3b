"""`Upstream`: every call from a connector to its vendor goes through here, once per source.

It owns what all connectors share: the httpx client (base URL, auth strategy, timeout), a
per-source concurrency limit, retries with backoff that honour the vendor's wait hint, a
circuit breaker, the mapping of vendor failures to gateway errors (via the vendor's `Dialect`),
and the response cache: GET responses are cached per entity type with its TTL, under keys
that include the source instance, the caller's visibility and a per-(source, entity)
generation. A gateway mutation bumps the generation, so every replica stops serving the old
responses at once. Cache outages never fail a call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx

from gateway.cache import Cache, cache_key
from gateway.context import current_scope
from gateway.errors import GatewayError, SourceError, SourceTimeout, SourceUnavailable
from gateway.sources.upstream.breaker import CircuitBreaker
from gateway.sources.upstream.dialect import Dialect
from gateway.sources.upstream.retry import Retry

__all__ = ["Upstream"]

logger = logging.getLogger("recgate.upstream")

_KEPT_HEADERS = ("content-type", "link")


class Upstream:
    def __init__(
        self,
        instance: str,
        client: httpx.AsyncClient,
        *,
        dialect: Dialect,
        cache: Cache,
        ttls: Mapping[str, float],
        retry: Retry,
        breaker: CircuitBreaker,
        max_concurrency: int = 8,
    ) -> None:
        self.instance = instance
        self.client = client
        self.dialect = dialect
        self.cache = cache
        self.ttls = ttls
        self.retry = retry
        self.breaker = breaker
        self._slots = asyncio.Semaphore(max_concurrency)

    async def aclose(self) -> None:
        await self.client.aclose()

    # -- caching -----------------------------------------------------------------------------

    async def _generation(self, entity: str) -> str:
        with contextlib.suppress(GatewayError):
            value = await self.cache.get(cache_key("generation", self.instance, entity))
            return value.decode() if value else "0"
        return "unavailable"

    async def _scope(self, entity: str) -> tuple[str, ...] | None:
        """What every cache key of `entity` starts with for this caller; None while the cache is down."""
        generation = await self._generation(entity)
        if generation == "unavailable":
            return None
        return (self.instance, entity, generation, current_scope().principal.visibility)

    async def invalidate(self, entity: str) -> None:
        """Forget every cached response of `entity` for this source, on every replica."""
        key = cache_key("generation", self.instance, entity)
        try:
            current = int((await self.cache.get(key) or b"0").decode())
            await self.cache.set(key, str(current + 1).encode(), ttl_s=30 * 86400)
        except GatewayError:
            logger.warning("cache unavailable: could not invalidate %s of %s", entity, self.instance)

    async def cached_items(
        self, entity: str, keys: Sequence[str], fetch: Callable[[list[str]], Awaitable[Mapping[str, Any]]]
    ) -> dict[str, Any]:
        """JSON items by key (None for absent ones), each cached on its own under `entity`.

        `fetch` gets only the keys not cached and returns what it found; a batch lookup (users by
        many ids) is then served from the cache however a later request splits its batches.
        """
        prefix = await self._scope(entity)
        keyed = {} if prefix is None else {key: cache_key("item", *prefix, key) for key in keys}
        found: dict[str, Any] = {}
        if keyed and not current_scope().fresh:
            with contextlib.suppress(GatewayError):
                values = await self.cache.get_many(list(keyed.values()))
                found = {key: json.loads(value) for key, value in zip(keyed, values, strict=True) if value is not None}
        missing = [key for key in dict.fromkeys(keys) if key not in found]
        if missing:
            fetched = await fetch(missing)
            found.update((key, fetched.get(key)) for key in missing)
            # Cache outages never fail a call: failed writes are simply dropped.
            await asyncio.gather(
                *(
                    self.cache.set(keyed[key], json.dumps(found[key]).encode(), ttl_s=self.ttls.get(entity, 0))
                    for key in missing
                    if key in keyed
                ),
                return_exceptions=True,
            )
        return found

    async def _cache_key(self, entity: str, request: httpx.Request) -> str | None:
        prefix = await self._scope(entity)
        if prefix is None:
            return None
        parts = [*prefix, request.method, str(request.url)]
        if request.content:  # a read-only query sent as a POST body (see `request`)
            parts.append(request.content.decode("utf-8", "replace"))
        return cache_key("upstream", *parts)

    async def _cached(self, key: str, request: httpx.Request) -> httpx.Response | None:
        try:
            raw = await self.cache.get(key)
        except GatewayError:
            return None
        if raw is None:
            return None
        entry = json.loads(raw)
        return httpx.Response(
            entry["status"], headers=entry["headers"], content=entry["body"].encode(), request=request
        )

    async def _store(self, key: str, entity: str, response: httpx.Response) -> None:
        entry = {
            "status": response.status_code,
            "body": response.text,
            "headers": {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS},
        }
        with contextlib.suppress(GatewayError):
            await self.cache.set(key, json.dumps(entry).encode(), ttl_s=self.ttls.get(entity, 0))

    # -- calls -------------------------------------------------------------------------------

    async def request(
        self, method: str, url: str, *, entity: str | None = None, read_only: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """Send one logical call (retried as needed); `entity` makes a GET cacheable, and a POST
        that only reads (a search query in the body) too when `read_only` (its body is in the key)."""
        request = self.client.build_request(method, url, **kwargs)
        key = await self._cache_key(entity, request) if entity and (method == "GET" or read_only) else None
        if key is not None and not current_scope().fresh:
            cached = await self._cached(key, request)
            if cached is not None:
                return cached
        idempotent = method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS") or read_only
        response = await self._send_with_retries(request, idempotent=idempotent)
        if key is not None and entity is not None:
            await self._store(key, entity, response)
        return response

    async def get_json(self, url: str, *, entity: str | None = None, **kwargs: Any) -> Any:
        response = await self.request("GET", url, entity=entity, **kwargs)
        return response.json()

    async def _send_with_retries(self, request: httpx.Request, *, idempotent: bool) -> httpx.Response:
        failures = 0
        while True:
            try:
                return await self._send_once(request)
            except SourceError as error:
                failures += 1
                delay = self.retry.delay(error, failures, idempotent=idempotent)
                if delay is None:
                    raise
                await asyncio.sleep(delay)

    async def _send_once(self, request: httpx.Request) -> httpx.Response:
        response = await self._transmit(request)
        self._check(response)
        return response

    async def _transmit(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """Send through the breaker and the concurrency limit; transport failures become source errors."""
        if not self.breaker.allow():
            raise SourceUnavailable(self.instance, "circuit open after repeated failures; not calling")
        try:
            async with self._slots:
                return await self.client.send(request, stream=stream)
        except httpx.TimeoutException as exc:
            self.breaker.failed()
            raise SourceTimeout(self.instance, f"{request.method} {request.url.path} timed out") from exc
        except httpx.TransportError as exc:
            self.breaker.failed()
            raise SourceUnavailable(self.instance, f"cannot reach the source ({type(exc).__name__})") from exc

    def _check(self, response: httpx.Response) -> None:
        failure = self.dialect.failure(self.instance, response)
        if isinstance(failure, SourceUnavailable | SourceTimeout):
            self.breaker.failed()
        else:
            self.breaker.succeeded()
        if failure is not None:
            raise failure

    @contextlib.asynccontextmanager
    async def stream(self, method: str, url: str, **kwargs: Any) -> AsyncIterator[httpx.Response]:
        """A streamed response (media): checked like any call, but never retried or cached."""
        response = await self._transmit(self.client.build_request(method, url, **kwargs), stream=True)
        try:
            if response.status_code >= 400:
                await response.aread()
            self._check(response)
            yield response
        finally:
            await response.aclose()
