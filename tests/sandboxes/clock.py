"""A sandbox clock that tests move by hand, so no test waits for the wall clock."""

from __future__ import annotations

import dataclasses
import time

__all__ = ["FakeClock"]


@dataclasses.dataclass
class FakeClock:
    """Epoch seconds that move when a test calls `advance`, and also with real time when `running`.

    A stopped clock (the default) suits a sandbox called in-process; a running one suits a
    sandbox under uvicorn that a vendor SDK drives, sleeping out its ``Retry-After`` for real.
    """

    running: bool = False
    origin: float = dataclasses.field(default_factory=time.time)
    skipped: float = 0.0

    def __call__(self) -> float:
        return (time.time() if self.running else self.origin) + self.skipped

    def advance(self, seconds: float) -> None:
        self.skipped += seconds
