"""What every merged listing shares: the page it answers and the mark of a finished source."""

from __future__ import annotations

import dataclasses
from typing import Any, Generic, TypeVar

from gateway.errors import GatewayError

__all__ = ["DONE", "Merged"]

T = TypeVar("T")
# The position of a source whose listing is finished.
DONE = "done"


@dataclasses.dataclass(frozen=True)
class Merged(Generic[T]):
    """A page of a merged listing; `positions[i]` is where the listing resumes after `items[i]`."""

    items: list[T]
    positions: list[dict[str, Any]]
    final: dict[str, Any]
    errors: list[GatewayError]

    @property
    def has_next(self) -> bool:
        return any(position != DONE for position in self.final.values())
