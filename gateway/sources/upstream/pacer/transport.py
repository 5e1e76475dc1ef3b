"""`PacedTransport`: the pacer as an httpx transport, so every request on the wire is paced.

That covers what an auth flow sends inside one call (the OAuth token request, a resend after
401), each retry attempt and streamed media alike. The rate key is the vendor's (`Dialect.rate_key`)
under the vendor's origin, hashed: it names credentials, which never appear in clear.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import httpx

from gateway import deadline
from gateway.cache import cache_key
from gateway.context import current_scope
from gateway.sources.upstream.pacer.pacer import Pacer

if TYPE_CHECKING:  # the dialect module imports the pacer's `RateLimit`
    from gateway.sources.upstream.dialect import Dialect

__all__ = ["PacedTransport"]


class PacedTransport(httpx.AsyncBaseTransport):
    """Sends through `inner` once `pacer` gives the request's rate key a slot; a 429 pauses the key.

    A slot is waited for by the current request's deadline (outside requests, the pacer's bounded
    wait), with the current `RequestScope`'s priority.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, pacer: Pacer, dialect: Dialect) -> None:
        self.inner = inner
        self.pacer = pacer
        self.dialect = dialect

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = cache_key("pace", url.scheme, url.host, str(url.port), self.dialect.rate_key(request))
        left = deadline.remaining()
        due = None if math.isinf(left) else self.pacer.clock() + left
        async with self.pacer.slot(key, current_scope().priority, due):
            response = await self.inner.handle_async_request(request)
        if response.status_code == 429:
            await self.pacer.throttled(key, self.dialect.retry_after_s(response))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
