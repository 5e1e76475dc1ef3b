"""Reading requests the way the Platform API does: query parameters, JSON bodies, datetimes."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from ..integers import parse_integer
from .errors import ApiError, bad_request

__all__ = [
    "MAX_BODY_BYTES",
    "bool_param",
    "csv_param",
    "enum_param",
    "int_param",
    "iso",
    "json_body",
    "parse_datetime",
]

MAX_BODY_BYTES = 512_000  # request.bytes.max


def iso(moment: datetime) -> str:
    """``2024-05-01T12:34:56.789Z``, the API's datetime format."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_datetime(value: object, field: str) -> datetime:
    """An ISO-8601 value from a body or query, or the vendor's 400 ``invalid.date``."""
    if not isinstance(value, str):
        raise bad_request(f"Invalid date for {field}.", "invalid.date")
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise bad_request(f"Invalid date for {field}: {value}", "invalid.date") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def int_param(request: Request, name: str, default: int, *, low: int | None = None, high: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    value = parse_integer(raw, bits=32)  # the API's integer parameters are int32
    if value is None:
        raise bad_request(f"Value [{raw}] is not valid for field type [{name}].", "invalid.value")
    if (low is not None and value < low) or (high is not None and value > high):
        allowed = f"{low if low is not None else ''}-{high if high is not None else ''}"
        raise bad_request(f"Value [{value}] is not valid for field [{name}]. Allowable values are: {allowed}")
    return value


def bool_param(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() not in ("true", "false"):
        raise bad_request(f"Value [{raw}] is not valid for field type [{name}].", "invalid.value")
    return raw.lower() == "true"


def csv_param(request: Request, name: str) -> list[str]:
    """A list parameter: repeated or comma-joined (the SDK joins with commas)."""
    return [part.strip() for raw in request.query_params.getlist(name) for part in raw.split(",") if part.strip()]


def enum_param(request: Request, name: str, allowed: Collection[str], default: str | None = None) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if raw not in allowed:
        raise bad_request(
            f"Value [{raw}] is not valid for field [{name}]. Allowable values are: {', '.join(allowed)}",
            "invalid.value",
        )
    return raw


async def json_body(request: Request, *, required: bool = True) -> dict[str, Any]:
    """The JSON object in the body; 400 when it is missing or malformed, 413 when too big."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413)
    if not raw.strip():
        if required:
            raise bad_request("The request body is required.")
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("The request could not be understood by the server due to malformed syntax.") from None
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body
