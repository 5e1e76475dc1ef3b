"""`Upstream`: every call from a connector to its vendor goes through here, once per source.

It owns what all connectors share: the httpx client (base URL, auth strategy, timeout, and its
transport's pacer, which gives every request on the wire a slot of the vendor's rate budget),
retries with backoff that honour the vendor's wait hint, a circuit breaker, the mapping of
vendor failures to gateway errors (via the vendor's `Dialect`),
and the response cache (`ReadThrough`): GET responses are cached per entity type with its TTL,
under keys that include the source instance and the caller's visibility, each stored with its
(source, entity) generation and read with it in one round trip; identical calls in flight at the
same time are sent once, across replicas too. A gateway mutation draws a new generation, so
every replica stops serving the old responses at once. Cache outages never fail a call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx
import orjson

from gateway import deadline
from gateway.cache import Cache, ReadThrough, cache_key
from gateway.context import current_scope
from gateway.errors import GatewayError, SourceError, SourceRateLimited, SourceTimeout, SourceUnavailable
from gateway.sources.upstream.breaker import CircuitBreaker
from gateway.sources.upstream.dialect import Dialect
from gateway.sources.upstream.retry import Retry

__all__ = ["Upstream"]

logger = logging.getLogger("recgate.upstream")

_KEPT_HEADERS = ("content-type", "link")


def _encoded(response: httpx.Response) -> bytes:
    """A response as cached: its status and kept headers as a JSON line, then the body as sent."""
    head = {
        "status": response.status_code,
        "headers": {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS},
    }
    return orjson.dumps(head) + b"\n" + response.content


def _decoded(entry: bytes, request: httpx.Request) -> httpx.Response:
    head, _, body = entry.partition(b"\n")  # compact JSON has no raw newline
    fields = orjson.loads(head)
    return httpx.Response(fields["status"], headers=fields["headers"], content=body, request=request)


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
    ) -> None:
        self.instance = instance
        self.client = client
        self.dialect = dialect
        self.cache = cache
        self.ttls = ttls
        self.retry = retry
        self.breaker = breaker
        self._cached = ReadThrough(cache, instance, ttls)

    async def aclose(self) -> None:
        await self.client.aclose()

    # -- caching -----------------------------------------------------------------------------

    def _cache_key(self, namespace: str, entity: str, *parts: str) -> str:
        """The key of a cached `entity` of this source as this caller sees it (its visibility)."""
        return cache_key(namespace, self.instance, entity, current_scope().principal.visibility, *parts)

    async def invalidate(self, entity: str) -> None:
        """Forget every cached response of `entity` for this source, on every replica."""
        try:
            await self._cached.invalidate(entity)
        except GatewayError:
            logger.warning("cache unavailable: could not invalidate %s of %s", entity, self.instance)

    async def cached_items(
        self, entity: str, keys: Sequence[str], fetch: Callable[[list[str]], Awaitable[Mapping[str, Any]]]
    ) -> dict[str, Any]:
        """JSON items by key (None for absent ones), each cached on its own under `entity`.

        `fetch` gets only the keys neither cached nor being fetched already (here or, through the
        cache, by another replica) and returns what it found; a batch lookup (users by many ids) is
        then served from the cache however a later request splits its batches.
        """
        keyed = {self._cache_key("item", entity, key): key for key in dict.fromkeys(keys)}

        async def fetch_items(wanted: list[str]) -> dict[str, bytes]:
            fetched = await fetch([keyed[k] for k in wanted])
            return {k: orjson.dumps(fetched.get(keyed[k])) for k in wanted}

        payloads = await self._cached.get(entity, list(keyed), fetch_items, fresh=current_scope().fresh)
        return {key: orjson.loads(payloads[k]) for k, key in keyed.items()}

    async def _cached_response(self, entity: str, request: httpx.Request, *, idempotent: bool) -> httpx.Response:
        """`request`'s response from the cache, or sent once for every caller that wants it now."""
        parts = [request.method, str(request.url)]
        if request.content:  # a read-only query sent as a POST body (see `request`)
            parts.append(request.content.decode("utf-8", "replace"))
        key = self._cache_key("upstream", entity, *parts)

        async def send(_: list[str]) -> dict[str, bytes]:
            return {key: _encoded(await self._send_with_retries(request, idempotent=idempotent))}

        payloads = await self._cached.get(entity, [key], send, fresh=current_scope().fresh)
        return _decoded(payloads[key], request)

    # -- calls -------------------------------------------------------------------------------

    async def request(
        self, method: str, url: str, *, entity: str | None = None, read_only: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """Send one logical call (retried as needed); `entity` makes a GET cacheable, and a POST
        that only reads (a search query in the body) too when `read_only` (its body is in the key)."""
        request = self.client.build_request(method, url, **kwargs)
        idempotent = method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS") or read_only
        if entity is not None and (method == "GET" or read_only):
            return await self._cached_response(entity, request, idempotent=idempotent)
        return await self._send_with_retries(request, idempotent=idempotent)

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
                delay = self.retry.delay(error, failures, idempotent=idempotent, time_left_s=deadline.remaining())
                if delay is None:
                    raise
                await asyncio.sleep(delay)

    async def _send_once(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """One attempt through the breaker, checked: the vendor's failure is raised (and a streamed
        response closed then). A half-open trial ends with the attempt, however it ends."""
        with self.breaker.attempt() as allowed:
            if not allowed:
                raise SourceUnavailable(self.instance, "circuit open after repeated failures; not calling")
            response = await self._transmit(request, stream=stream)
            try:
                if stream and response.status_code >= 400:
                    await response.aread()
                self._check(response)
            except BaseException:
                await response.aclose()
                raise
            return response

    async def _transmit(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """Send by the request's deadline (until the headers of a stream, the whole body otherwise),
        the transport pacing it; transport failures become source errors. They count against the
        breaker, as does a failing token endpoint (raised by the auth flow)."""
        due = deadline.cutoff(self.instance)
        try:
            async with due:
                return await self.client.send(request, stream=stream)
        except (httpx.TimeoutException, TimeoutError) as exc:
            self.breaker.failed()
            raise SourceTimeout(self.instance, f"{request.method} {request.url.path} timed out") from exc
        except httpx.TransportError as exc:
            self.breaker.failed()
            raise SourceUnavailable(self.instance, f"cannot reach the source ({type(exc).__name__})") from exc
        except (SourceTimeout, SourceUnavailable):
            self.breaker.failed()
            raise

    def _check(self, response: httpx.Response) -> None:
        failure = self.dialect.failure(self.instance, response)
        if isinstance(failure, SourceUnavailable | SourceTimeout):
            self.breaker.failed()
        elif not isinstance(failure, SourceRateLimited):
            # A 429 says nothing of the source's health: the pacer slows down, the breaker waits.
            self.breaker.succeeded()
        if failure is not None:
            raise failure

    @contextlib.asynccontextmanager
    async def stream(self, method: str, url: str, **kwargs: Any) -> AsyncIterator[httpx.Response]:
        """A streamed response (media): checked like any call, but never retried or cached."""
        response = await self._send_once(self.client.build_request(method, url, **kwargs), stream=True)
        try:
            yield response
        finally:
            await response.aclose()
