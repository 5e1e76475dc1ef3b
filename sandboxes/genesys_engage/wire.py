"""Engage reply framing: JSON bodies, Basic credentials, and absolute URLs under ``/api/v2``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["API_ROOT", "JSON_TYPE", "api_url", "json_response"]

API_ROOT = "/api/v2"
# Spring MVC's JSON type as GWS sends it (assumed).
JSON_TYPE = "application/json;charset=UTF-8"


def json_response(
    body: Mapping[str, Any], *, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """`body` as UTF-8 JSON with the content type GWS sends."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(content, status_code=status_code, headers=dict(headers or {}), media_type=JSON_TYPE)


def api_url(request: Request, path: str) -> str:
    """The absolute URL of `path` (relative to ``/api/v2``) on the server that got `request`."""
    return f"{str(request.base_url).rstrip('/')}{API_ROOT}{path}"
