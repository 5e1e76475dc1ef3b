"""GWS authentication as an httpx auth strategy: Basic on every request, plus the CSRF session.

Two accounts sign the calls: the Contact Center Admin reads, queries and plays under
``/api/v2/recordings``; the OPS admin writes under ``/api/v2/ops/contact-centers/{id}/...``.
Each account keeps one HTTP session, as a browser would: its ``JSESSIONID`` cookie and, when
the server has CSRF protection on, the token that lives in that session. Any GET reply hands
both out (``Set-Cookie``, ``X-CSRF-HEADER`` naming the token header, ``X-CSRF-TOKEN``); a POST
or DELETE must send them back. Before the first write of an account this fetches them with
``GET /me``; when the server has lost the session (restart, expiry) it answers 403 "Missing or
invalid Csrf token", and the session is renewed and the write sent once more.

The connector manages the cookie itself (the client's cookie jar is overridden), so the two
accounts' sessions never mix.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncGenerator

import httpx

__all__ = ["EngageSession"]

COOKIE = "JSESSIONID"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclasses.dataclass
class _Account:
    """One account's Basic credentials and HTTP session; `known` once its CSRF token (or its
    absence, when the server does not protect writes) is known for the current session."""

    basic: httpx.BasicAuth
    cookie: str | None = None
    token_header: str | None = None
    token: str | None = None
    known: bool = False
    lock: asyncio.Lock = dataclasses.field(default_factory=asyncio.Lock)

    def learn(self, response: httpx.Response, *, opening: bool = False) -> None:
        """Remember the session and CSRF token a reply hands out."""
        cookie = response.cookies.get(COOKIE)
        if cookie and cookie != self.cookie:
            self.cookie, self.token, self.known = cookie, None, False
        token = response.headers.get("x-csrf-token")
        if token:
            self.token_header = response.headers.get("x-csrf-header", "X-CSRF-TOKEN")
            self.token, self.known = token, True
        self.known = self.known or opening

    def forget(self) -> None:
        self.cookie, self.token, self.known = None, None, False

    def sign(self, request: httpx.Request) -> httpx.Request:
        signed = next(self.basic.auth_flow(request))
        if self.cookie:
            signed.headers["Cookie"] = f"{COOKIE}={self.cookie}"
        else:
            signed.headers.pop("Cookie", None)
        if request.method in _UNSAFE and self.token and self.token_header:
            signed.headers[self.token_header] = self.token
        return signed


def _csrf_refused(response: httpx.Response) -> bool:
    return response.status_code == 403 and b"csrf" in response.content.lower()


class EngageSession(httpx.Auth):
    """Signs each request as the account its path needs, with that account's session."""

    def __init__(self, api_root: str, admin: tuple[str, str], ops: tuple[str, str]) -> None:
        self._me_url = f"{api_root.rstrip('/')}/me"
        self._admin = _Account(httpx.BasicAuth(*admin))
        self._ops = _Account(httpx.BasicAuth(*ops))

    def _account(self, request: httpx.Request) -> _Account:
        return self._ops if "/ops/contact-centers/" in request.url.path else self._admin

    def _me(self, account: _Account) -> httpx.Request:
        """``GET /me`` as `account`: opens a session and shows its CSRF token."""
        return account.sign(httpx.Request("GET", self._me_url, headers={"Accept": "application/json"}))

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        account = self._account(request)
        if request.method not in _UNSAFE:
            account.learn((yield account.sign(request)))
            return
        if not account.known:
            async with account.lock:
                if not account.known:
                    account.learn((yield self._me(account)), opening=True)
        sent = account.token
        response = yield account.sign(request)
        await response.aread()
        if not _csrf_refused(response):
            account.learn(response)
            return
        async with account.lock:
            if account.token == sent:  # nobody renewed the session meanwhile
                account.forget()
                account.learn((yield self._me(account)), opening=True)
        yield account.sign(request)
