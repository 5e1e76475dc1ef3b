"""Vendor authentication as httpx auth strategies; resolvers and connectors never touch tokens.

`ClientCredentials` is the OAuth client-credentials flow (Genesys Cloud): the access token is
shared through the cache (so replicas don't each fetch one), kept in process too for when the
cache is down (so an outage does not turn every call into a token grant), refreshed before it
expires and once more when the API answers 401. Bearer and Basic need nothing beyond httpx's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncGenerator, Generator

import httpx

from gateway.cache import Cache, cache_key
from gateway.errors import GatewayError, SourceAuthError, SourceUnavailable

__all__ = ["BearerToken", "ClientCredentials"]

_EARLY_REFRESH_S = 60


class BearerToken(httpx.Auth):
    """A fixed bearer token (Webex)."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


class ClientCredentials(httpx.Auth):
    """OAuth 2 client credentials: Basic id:secret to `token_url`, then ``Bearer <access_token>``."""

    requires_response_body = True

    def __init__(self, source: str, token_url: str, client_id: str, client_secret: str, cache: Cache) -> None:
        self.source = source
        self.token_url = token_url
        self._basic = httpx.BasicAuth(client_id, client_secret)
        self._cache = cache
        # The key names the client, never its secret in clear (cache_key hashes it).
        self._key = cache_key("oauth", source, token_url, client_id)
        self._lock = asyncio.Lock()
        # The last token granted here, and until when (monotonic) to use it while the cache is down.
        self._held: tuple[str, float] | None = None

    async def _cached_token(self) -> str | None:
        try:
            raw = await self._cache.get(self._key)
        except GatewayError:
            held = self._held
            return held[0] if held and held[1] > time.monotonic() else None
        return json.loads(raw)["access_token"] if raw else None

    def _token_request(self) -> httpx.Request:
        request = httpx.Request(
            "POST", self.token_url, data={"grant_type": "client_credentials"}, headers={"Accept": "application/json"}
        )
        return next(self._basic.auth_flow(request))

    async def _remember(self, response: httpx.Response) -> str:
        await response.aread()  # overriding async_auth_flow skips httpx's own read (requires_response_body)
        if response.status_code >= 500:
            raise SourceUnavailable(
                self.source, f"the token endpoint answered {response.status_code}", status_code=response.status_code
            )
        if response.status_code != 200:
            raise SourceAuthError(
                self.source,
                f"the token endpoint refused the client ({response.status_code})",
                status_code=response.status_code,
            )
        body = response.json()
        token: str = body["access_token"]
        lifetime = float(body.get("expires_in", 3600))
        self._held = (token, time.monotonic() + max(1.0, lifetime - _EARLY_REFRESH_S))
        with contextlib.suppress(GatewayError):
            await self._cache.set(
                self._key,
                json.dumps({"access_token": token, "at": time.time()}).encode(),
                ttl_s=max(1.0, lifetime - _EARLY_REFRESH_S),
            )
        return token

    async def _forget(self) -> None:
        self._held = None
        with contextlib.suppress(GatewayError):
            await self._cache.delete(self._key)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        async with self._lock:
            token = await self._cached_token()
            if token is None:
                token = await self._remember((yield self._token_request()))
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            async with self._lock:
                if await self._cached_token() in (None, token):
                    await self._forget()
                    token = await self._remember((yield self._token_request()))
                else:
                    token = await self._cached_token() or token
            request.headers["Authorization"] = f"Bearer {token}"
            yield request
