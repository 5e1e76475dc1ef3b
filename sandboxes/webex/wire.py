"""Webex reply framing: JSON with ``application/json;charset=UTF-8``, 204s, bearer parsing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["JSON_TYPE", "bearer_token", "json_response", "next_link", "no_content"]

JSON_TYPE = "application/json;charset=UTF-8"


def json_response(body: Any, *, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """`body` as compact UTF-8 JSON with the content type Webex sends."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(content, status_code=status_code, headers=dict(headers or {}), media_type=JSON_TYPE)


def no_content() -> Response:
    """The empty 204 of deletes and bulk posts."""
    return Response(status_code=204)


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, or None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def next_link(request: Request, cursor: str) -> str:
    """An RFC 5988 ``Link`` to the next page: this absolute URL, every parameter kept, plus `cursor`."""
    return f'<{request.url.include_query_params(cursor=cursor)}>; rel="next"'
