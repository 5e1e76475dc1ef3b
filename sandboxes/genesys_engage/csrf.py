"""``JSESSIONID`` sessions and the CSRF token that lives in each, as GWS's servlet filters do.

Every GET (or HEAD) under ``/api/`` answers with ``X-CSRF-HEADER: X-CSRF-TOKEN`` and
``X-CSRF-TOKEN: <uuid>``, the token of the caller's session; a request without a valid
``JSESSIONID`` cookie first gets a new session (``Set-Cookie``). When CSRF protection is on,
every POST, PUT, PATCH and DELETE must send that header and the session cookie, else it is
refused with HTTP 403 ``{"statusCode": 3, "statusMessage": "Missing or invalid Csrf token"}``
(the code is assumed). As in Spring Security, the check runs before authentication.

Sessions are stateless: the id carries its own MAC and the token is derived from the id with
the app's secret, so nothing grows per client and another app's cookies are invalid here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from http.cookies import CookieError, SimpleCookie

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandboxes.genesys_engage.errors import EngageError, error_response

__all__ = ["COOKIE", "TOKEN_HEADER", "CsrfSessions"]

COOKIE = "JSESSIONID"
TOKEN_HEADER = "X-CSRF-TOKEN"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfSessions:
    """Pure ASGI middleware issuing sessions and tokens, and enforcing them when `enforce` is set."""

    def __init__(self, app: ASGIApp, *, secret: bytes, enforce: bool) -> None:
        self.app = app
        self.secret = secret
        self.enforce = enforce

    def _mac(self, purpose: str, value: str, size: int) -> bytes:
        return hmac.new(self.secret, f"{purpose}:{value}".encode(), hashlib.sha256).digest()[:size]

    def new_session(self) -> str:
        """A Tomcat-style session id (32 uppercase hex): 16 random hex digits and their MAC."""
        nonce = secrets.token_hex(8).upper()
        return nonce + self._mac("session", nonce, 8).hex().upper()

    def token(self, session: str) -> str:
        """The CSRF token of `session`, a UUID."""
        return str(uuid.UUID(bytes=self._mac("csrf", session, 16)))

    def _session(self, scope: Scope) -> str | None:
        """The request's session id when its cookie holds one this app issued."""
        cookie = SimpleCookie()
        try:
            cookie.load(Headers(scope=scope).get("cookie", ""))
        except CookieError:
            return None
        morsel = cookie.get(COOKIE)
        value = morsel.value if morsel else ""
        if len(value) != 32:
            return None
        nonce, mac = value[:16], value[16:]
        return value if hmac.compare_digest(mac, self._mac("session", nonce, 8).hex().upper()) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        method, session = scope["method"], self._session(scope)
        if method in _UNSAFE and self.enforce:
            sent = Headers(scope=scope).get(TOKEN_HEADER)
            if session is None or sent is None or not hmac.compare_digest(sent, self.token(session)):
                await error_response(EngageError(3, "Missing or invalid Csrf token"))(scope, receive, send)
                return
        if method in ("GET", "HEAD"):
            send = self._issuing(send, session)
        await self.app(scope, receive, send)

    def _issuing(self, send: Send, session: str | None) -> Send:
        fresh = session is None
        current = session or self.new_session()

        async def send_with_session(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if self.enforce:
                    headers["X-CSRF-HEADER"] = TOKEN_HEADER
                    headers[TOKEN_HEADER] = self.token(current)
                if fresh:
                    headers.append("Set-Cookie", f"{COOKIE}={current}; Path=/; HttpOnly")
            await send(message)

        return send_with_session
