"""Small builders for the OpenAPI 3 documents the sandboxes serve at ``/openapi.json``."""

from __future__ import annotations

from typing import Any

__all__ = ["obj", "ref"]


def ref(name: str) -> dict[str, str]:
    """A reference to ``#/components/schemas/<name>``."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object schema with `properties`, listing `required` ones when there are any."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema
