"""A process's memory and CPU time from Linux's /proc.

Writing ``5`` to ``/proc/<pid>/clear_refs`` resets the peak resident set (``VmHWM``) to the
current one, so the peak read after a workload is the workload's own, with no sampling.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import time
from pathlib import Path

__all__ = ["MemoryWatch", "cpu_seconds", "wait_idle"]

_FIELD = re.compile(r"^(VmRSS|VmHWM):\s+(\d+) kB$", re.MULTILINE)
_TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of `pid`, in bytes."""
    text = Path(f"/proc/{pid}/status").read_text()
    return {name: int(kb) * 1024 for name, kb in _FIELD.findall(text)}


def cpu_seconds(pid: int) -> float:
    """User and system CPU time `pid` has used."""
    # Fields after the command name (which may hold spaces, hence the split at its closing parenthesis).
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) * _TICK_S


async def wait_idle(pid: int, *, within_s: float = 60.0, step_s: float = 0.25) -> bool:
    """Wait until `pid` uses (almost) no CPU for one `step_s` (requests a load left behind have
    finished); False if it is still busy after `within_s`."""
    deadline = time.monotonic() + within_s
    used = cpu_seconds(pid)
    while time.monotonic() < deadline:  # bounded polling of the CPU counter
        await asyncio.sleep(step_s)
        now = cpu_seconds(pid)
        if now - used < step_s / 10:
            return True
        used = now
    return False


@dataclasses.dataclass
class MemoryWatch:
    """Resident memory of `pid` over one workload: `start`, then `stop` gives (growth, peak growth) in bytes."""

    pid: int
    baseline: int = 0

    def start(self) -> None:
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        self.baseline = _status(self.pid)["VmRSS"]

    def stop(self) -> tuple[int, int]:
        """(resident now - at start, peak since start - at start)."""
        now = _status(self.pid)
        return now["VmRSS"] - self.baseline, now["VmHWM"] - self.baseline
