"""JSON request bodies as the Webex API reads them: an object, typed fields, 400 or 415 otherwise."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from sandboxes.webex.errors import WebexError

__all__ = ["json_body", "string_list", "typed"]


async def json_body(request: Request) -> dict[str, Any]:
    """The body's JSON object; ``{}`` when empty, 415 unless JSON, 400 when not an object."""
    raw = await request.body()
    if not raw.strip():
        return {}
    if not request.headers.get("content-type", "").lower().startswith("application/json"):
        raise WebexError(415)
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise WebexError(400, "The request body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise WebexError(400, "The request body must be a JSON object.")
    return body


def typed(body: dict[str, Any], name: str, kind: type, default: Any = None) -> Any:
    """Field `name` of `body` (or `default`); 400 when present with another type than `kind`."""
    value = body.get(name, default)
    if value is not None and not isinstance(value, kind):
        raise WebexError(400, f"Invalid {name} value.")
    return value


def string_list(body: dict[str, Any], name: str) -> list[str]:
    """Field `name` as a list of strings (empty when absent); 400 for anything else."""
    values = typed(body, name, list) or []
    if not all(isinstance(value, str) for value in values):
        raise WebexError(400, f"Invalid {name} value.")
    return values
