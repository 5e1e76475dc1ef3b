"""Shared machinery of every vendor sandbox: knobs, faults, rate limits, counters, admin API.

A vendor sandbox is a plain Starlette app whose routes speak the vendor's API. `build_app`
wraps those routes in `SandboxMiddleware`, which, for every vendor request:

1. matches the route template (``GET /api/v2/userrecordings/{recordingId}``) and counts it;
2. applies the fault knobs (latency, jitter, outage, error rate, 429 rate);
3. applies the vendor's stated rate limit, keyed the way the vendor keys it;
4. slows the response body down when ``slow_body_ms`` is set.

Errors and 429s are rendered by the vendor's own `VendorErrors`, so an injected fault looks
exactly like the real vendor's failure. The admin API lives under ``/_sandbox/`` and is neither
counted nor faulted:

- ``GET /_sandbox/counts`` -> ``{"total": n, "endpoints": {"GET /path/{id}": n}, "throttled": n}``
  (``throttled``: the requests answered 429, by the rate limit or the ``throttle_rate`` knob)
- ``DELETE /_sandbox/counts`` resets the counters
- ``GET /_sandbox/knobs`` and ``PATCH /_sandbox/knobs`` (JSON body of `Knobs` fields)
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "ADMIN_PREFIX",
    "Knobs",
    "RateLimit",
    "SandboxConfig",
    "SandboxMiddleware",
    "SandboxState",
    "VendorErrors",
    "basic_credentials",
    "build_app",
]

ADMIN_PREFIX = "/_sandbox"


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """The (user, password) of an ``Authorization: Basic`` header; None when absent or malformed."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, colon, password = decoded.partition(":")
    return (user, password) if colon else None


@dataclasses.dataclass(frozen=True)
class RateLimit:
    """At most `limit` requests per `period_s` seconds for one rate key."""

    limit: int
    period_s: float


@dataclasses.dataclass
class Knobs:
    """Fault and limit settings, settable at start and at run time."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    outage: bool = False
    slow_body_ms: float = 0.0
    rate_limits: bool = True
    # Overrides the vendor's stated limit when set (and rate_limits is on).
    rate_limit: RateLimit | None = None
    # Seconds a throttled client is told to wait when a 429 is injected by throttle_rate.
    retry_after_s: float = 1.0

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a JSON patch of knob values, rejecting unknown names and wrong types."""
        names = {f.name: f for f in dataclasses.fields(self)}
        for name, value in changes.items():
            if name not in names:
                raise ValueError(f"unknown knob {name!r}")
            if name == "rate_limit":
                value = None if value is None else RateLimit(int(value["limit"]), float(value["period_s"]))
            elif name in ("outage", "rate_limits"):
                if not isinstance(value, bool):
                    raise ValueError(f"knob {name!r} takes a boolean")
            else:
                value = float(value)
                if value < 0 or (name.endswith("_rate") and value > 1):
                    raise ValueError(f"knob {name!r} is out of range")
            setattr(self, name, value)

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class SandboxConfig:
    """How to build one sandbox: its data (seed, size, timeline end) and its starting knobs."""

    seed: int = 0
    size: int = 200
    # End of the generated timeline; None means "now" (see world.anchor_now).
    anchor: datetime | None = None
    knobs: Knobs = dataclasses.field(default_factory=Knobs)


class VendorErrors(Protocol):
    """How one vendor words its failures; every sandbox provides one."""

    def error(self, request: Request, status_code: int) -> Response:
        """The vendor's body for an injected server error (500, 503)."""

    def throttled(self, request: Request, retry_after_s: float) -> Response:
        """The vendor's 429, with the vendor's own retry header."""

    def rate_key(self, request: Request, route_template: str) -> str | None:
        """What the vendor's rate limit counts per (token, user, resource family), or None."""


@dataclasses.dataclass
class SandboxState:
    """The mutable state of one running sandbox: its knobs, counters and limiter windows.

    `clock` (seconds) times the limiter windows: the sandbox's own clock, so a test can move it.
    """

    knobs: Knobs
    stated_limit: RateLimit | None
    rng: random.Random
    clock: Callable[[], float] = time.monotonic
    counts: Counter[str] = dataclasses.field(default_factory=Counter)
    throttled: int = 0
    windows: dict[str, tuple[float, int]] = dataclasses.field(default_factory=dict)

    def effective_limit(self) -> RateLimit | None:
        if not self.knobs.rate_limits:
            return None
        return self.knobs.rate_limit or self.stated_limit

    def take(self, key: str, now: float) -> float:
        """Count one request against `key`; return 0, or the seconds until its window resets."""
        limit = self.effective_limit()
        if limit is None:
            return 0.0
        start, used = self.windows.get(key, (now, 0))
        if now - start >= limit.period_s:
            start, used = now, 0
        if used >= limit.limit:
            return start + limit.period_s - now
        self.windows[key] = (start, used + 1)
        return 0.0


def _route_template(routes: Sequence[BaseRoute], scope: Scope) -> str:
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL and isinstance(route, Route):
            return f"{scope['method']} {route.path}"
    return f"{scope['method']} (unmatched)"


class SandboxMiddleware:
    """Counts, faults and rate-limits every vendor request (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, routes: Sequence[BaseRoute], state: SandboxState, errors: VendorErrors) -> None:
        self.app = app
        self.routes = routes
        self.state = state
        self.errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        template = _route_template(self.routes, scope)
        state, knobs = self.state, self.state.knobs
        state.counts[template] += 1
        delay = knobs.latency_ms + (state.rng.uniform(0, knobs.jitter_ms) if knobs.jitter_ms else 0.0)
        if delay:
            await asyncio.sleep(delay / 1000)
        request = Request(scope, receive)
        failure = self._failure(request, template)
        if failure is not None:
            await failure(scope, receive, send)
            return
        await self.app(scope, receive, self._slowed(send) if knobs.slow_body_ms else send)

    def _failure(self, request: Request, template: str) -> Response | None:
        knobs = self.state.knobs
        if knobs.outage:
            return self.errors.error(request, 503)
        if knobs.error_rate and self.state.rng.random() < knobs.error_rate:
            return self.errors.error(request, 500)
        if knobs.throttle_rate and self.state.rng.random() < knobs.throttle_rate:
            self.state.throttled += 1
            return self.errors.throttled(request, knobs.retry_after_s)
        key = self.errors.rate_key(request, template)
        if key is not None:
            wait = self.state.take(key, self.state.clock())
            if wait > 0:
                self.state.throttled += 1
                return self.errors.throttled(request, wait)
        return None

    def _slowed(self, send: Send) -> Send:
        """Split the body into chunks and spread `slow_body_ms` across them."""
        pause = self.state.knobs.slow_body_ms / 1000 / 8

        async def slow_send(message: Message) -> None:
            if message["type"] != "http.response.body" or not message.get("body"):
                await send(message)
                return
            body: bytes = message["body"]
            step = max(1, -(-len(body) // 8))
            more = message.get("more_body", False)
            for offset in range(0, len(body), step):
                await asyncio.sleep(pause)
                last = offset + step >= len(body)
                await send(
                    {"type": "http.response.body", "body": body[offset : offset + step], "more_body": more or not last}
                )

        return slow_send


_ALLOW = "sandbox.allow"


class _MethodNotAllowed(BaseRoute):
    """The 405 of a path some routes serve, none with the request's method.

    Starlette answers such a request from the first route whose path matches, so its ``Allow``
    names that one route's methods. Placed first, this route catches the request instead and
    raises the 405 (rendered by the vendor's handler) with every method any route of the path
    takes.
    """

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes = routes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        allowed: set[str] = set()
        first: Scope | None = None
        for route in self.routes:
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return Match.NONE, {}
            if match is Match.PARTIAL and isinstance(route, Route) and route.methods:
                allowed |= route.methods
                first = child_scope if first is None else first
        if first is None:
            return Match.NONE, {}
        return Match.FULL, {**first, _ALLOW: ", ".join(sorted(allowed))}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise HTTPException(405, headers={"Allow": scope[_ALLOW]})


def _admin_routes(state: SandboxState) -> list[Route]:
    async def counts(request: Request) -> Response:
        if request.method == "DELETE":
            state.counts.clear()
            state.throttled = 0
            return Response(status_code=204)
        return JSONResponse(
            {"total": sum(state.counts.values()), "endpoints": dict(state.counts), "throttled": state.throttled}
        )

    async def knobs(request: Request) -> Response:
        if request.method == "PATCH":
            try:
                state.knobs.update(await request.json())
            except (ValueError, TypeError, KeyError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            state.windows.clear()
        return JSONResponse(state.knobs.as_json())

    return [
        Route(f"{ADMIN_PREFIX}/counts", counts, methods=["GET", "DELETE"]),
        Route(f"{ADMIN_PREFIX}/knobs", knobs, methods=["GET", "PATCH"]),
    ]


def build_app(
    routes: list[BaseRoute],
    *,
    errors: VendorErrors,
    stated_limit: RateLimit | None,
    knobs: Knobs | None = None,
    seed: int = 0,
    exception_handlers: dict[Any, Callable[..., Any]] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Starlette:
    """Assemble a vendor sandbox app from its routes; ``app.state.sandbox`` is its `SandboxState`.

    `clock` (seconds) times the rate-limit windows; a sandbox passes the clock it runs on.
    """
    # A copy: sandboxes started from one config must not share run-time knob changes.
    state = SandboxState(
        knobs=dataclasses.replace(knobs or Knobs()), stated_limit=stated_limit, rng=random.Random(seed), clock=clock
    )
    served = [*_admin_routes(state), *routes]
    app = Starlette(routes=[_MethodNotAllowed(served), *served], exception_handlers=exception_handlers)
    app.add_middleware(SandboxMiddleware, routes=routes, state=state, errors=errors)
    app.state.sandbox = state
    return app
