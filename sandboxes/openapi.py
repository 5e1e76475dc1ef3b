"""Small builders for the OpenAPI 3 documents the sandboxes serve at ``/openapi.json``.

Each document states the limits its server enforces, in the same words everywhere: page sizes
and ranges as JSON Schema ``minimum``/``maximum``/``default`` (`integer`), list lengths as
``maxItems``, required fields as ``required``, lifetimes as ``x-lifetime-seconds`` (`LIFETIME`)
and the stated rate limit as a top-level ``x-ratelimit`` (`rate_limit`).
"""

from __future__ import annotations

from typing import Any

from sandboxes.kit import RateLimit

__all__ = ["LIFETIME", "integer", "obj", "rate_limit", "ref"]

LIFETIME = "x-lifetime-seconds"


def ref(name: str) -> dict[str, str]:
    """A reference to ``#/components/schemas/<name>``."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object schema with `properties`, listing `required` ones when there are any."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def integer(
    minimum: int | None = None, maximum: int | None = None, default: int | None = None, *, int_format: str = ""
) -> dict[str, Any]:
    """An integer schema with the bounds and default that are given."""
    schema: dict[str, Any] = {"type": "integer"}
    if int_format:
        schema["format"] = int_format
    bounds = {"minimum": minimum, "maximum": maximum, "default": default}
    schema.update({name: value for name, value in bounds.items() if value is not None})
    return schema


def rate_limit(limit: RateLimit | None, per: str) -> dict[str, Any]:
    """``{"x-ratelimit": {"limit", "periodSeconds", "per"}}``, or nothing for a vendor stating none."""
    if limit is None:
        return {}
    return {"x-ratelimit": {"limit": limit.limit, "periodSeconds": limit.period_s, "per": per}}
