"""Assemble the Webex sandbox: `create_app(config)` and `connection_info(base_url)`.

Routes (Webex paths under ``/v1``, download hosts at the root):

- ``GET /v1/admin/convergedRecordings``, ``GET /v1/convergedRecordings``
- ``GET|DELETE /v1/convergedRecordings/{recordingId}``, ``GET .../{recordingId}/metadata``
- ``POST /v1/convergedRecordings/{softDelete,restore,purge,reassign}``
- ``GET /v1/people``, ``GET /v1/people/me``, ``GET /v1/people/{personId}``
- ``GET /nbr/MultiThreadDownloadServlet`` (pre-signed MP3 and transcript downloads),
  ``GET /wbxaibridge/api/v2/{kind}/{resourceId}`` (AI notes, user token)
- ``GET /openapi.json``, plus the kit's ``/_sandbox/`` admin API.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from sandboxes.kit import SandboxConfig, build_app
from sandboxes.webex import lifecycle, links, people, recordings
from sandboxes.webex.auth import TOKENS
from sandboxes.webex.data import generate
from sandboxes.webex.errors import STATED_LIMIT, WebexErrors, error_handlers
from sandboxes.webex.openapi import openapi
from sandboxes.webex.reassign import reassign
from sandboxes.webex.state import WebexState
from sandboxes.webex.times import make_clock
from sandboxes.world import anchor_now

__all__ = ["KIND", "connection_info", "create_app"]

KIND = "webex"
_RECORDINGS = "/v1/convergedRecordings"


def _routes() -> list[BaseRoute]:
    bulk = {"softDelete": lifecycle.SOFT_DELETE, "restore": lifecycle.RESTORE, "purge": lifecycle.PURGE}
    return [
        Route("/v1/admin/convergedRecordings", recordings.admin_list, methods=["GET"]),
        Route(_RECORDINGS, recordings.user_list, methods=["GET"]),
        *(Route(f"{_RECORDINGS}/{name}", lifecycle.bulk_endpoint(act), methods=["POST"]) for name, act in bulk.items()),
        Route(f"{_RECORDINGS}/reassign", reassign, methods=["POST"]),
        Route(f"{_RECORDINGS}/{{recordingId}}", recordings.details, methods=["GET"]),
        Route(f"{_RECORDINGS}/{{recordingId}}", lifecycle.delete, methods=["DELETE"]),
        Route(f"{_RECORDINGS}/{{recordingId}}/metadata", recordings.metadata, methods=["GET"]),
        Route("/v1/people", people.list_people, methods=["GET"]),
        Route("/v1/people/me", people.me, methods=["GET"]),
        Route("/v1/people/{personId}", people.get_person, methods=["GET"]),
        Route("/nbr/MultiThreadDownloadServlet", links.download, methods=["GET", "HEAD"]),
        Route("/wbxaibridge/api/v2/{kind}/{resourceId}", links.notes, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]


def create_app(config: SandboxConfig | None = None, *, clock: Callable[[], datetime] | None = None) -> Starlette:
    """A Webex sandbox with `config.size` converged recordings; `clock` overrides the sandbox's now.

    Without a `clock`, "now" is the wall clock, or, when `config.anchor` is set, the anchor
    advancing in real time from app creation, so list windows, link expiry, rate-limit windows
    and data agree.
    """
    config = config or SandboxConfig()
    anchor = config.anchor or anchor_now()
    now = clock or make_clock(config.anchor)
    app = build_app(
        _routes(),
        errors=WebexErrors(),
        stated_limit=STATED_LIMIT,
        knobs=config.knobs,
        seed=config.seed,
        exception_handlers=error_handlers(),
        clock=lambda: now().timestamp(),
    )
    secret = hashlib.blake2b(f"{config.seed}:webex-link-secret".encode()).digest()
    app.state.webex = WebexState(generate(config.seed, config.size, anchor), now, secret)
    return app


def connection_info(base_url: str) -> dict[str, str]:
    """What a client needs: the API base URL and the sandbox's tokens.

    ``token`` is the compliance officer's (``spark-compliance:recordings_read/_write`` and
    ``spark:people_read``); ``admin_token`` has ``spark-admin:recordings_read/_write``;
    ``user_token`` ``spark:recordings_read``; ``user_write_token`` adds ``spark:recordings_write``
    and ``spark:people_read`` (both act as the roster person owning the most recordings);
    ``expired_token`` is always refused with 401.
    """
    root = base_url.rstrip("/")
    tokens = {f"{token.name}_token": token.value for token in TOKENS}
    return {"kind": KIND, "base_url": f"{root}/v1", "token": tokens["compliance_token"], **tokens}
