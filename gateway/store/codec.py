"""The domain's dataclasses (`gateway.models`) as JSON and back, for what the store keeps of them."""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from datetime import datetime
from typing import Any

__all__ = ["decode", "encode"]


def encode(value: Any) -> Any:
    """`value` (a dataclass, enum, datetime, collection or JSON scalar) as plain JSON."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: encode(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    return value


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode(kind: Any, value: Any) -> Any:
    """What `encode` made of a `kind` (a type as annotated: ``Recording``, ``tuple[MediaFile, ...]``)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if value is None or kind is Any:
        return value
    if origin is typing.Union or origin is types.UnionType:
        (inner,) = (arg for arg in args if arg is not type(None))
        return decode(inner, value)
    if origin is tuple:
        return tuple(decode(args[0], item) for item in value)
    if origin is dict:
        return {key: decode(args[1], item) for key, item in value.items()}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: decode(hints[name], item) for name, item in value.items()})
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    return value
