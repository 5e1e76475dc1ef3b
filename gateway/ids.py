"""Opaque Relay global IDs: source instance, GraphQL type and native id, base64url-encoded."""

from __future__ import annotations

import base64
import dataclasses
import json

from gateway.errors import InvalidId

__all__ = ["GlobalId"]


@dataclasses.dataclass(frozen=True)
class GlobalId:
    source: str
    type: str
    native_id: str

    def encode(self) -> str:
        raw = json.dumps([self.source, self.type, self.native_id], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    @classmethod
    def decode(cls, value: str, *, expected_type: str | None = None) -> GlobalId:
        """Parse an id made by `encode`; `InvalidId` for anything else or the wrong type."""
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            source, type_, native_id = json.loads(raw)
            if not all(isinstance(part, str) and part for part in (source, type_, native_id)):
                raise ValueError("empty part")
        except (ValueError, TypeError) as exc:
            raise InvalidId(f"{value!r} is not a valid id") from exc
        if expected_type is not None and type_ != expected_type:
            raise InvalidId(f"{value!r} is a {type_} id, not a {expected_type} id")
        return cls(source, type_, native_id)
