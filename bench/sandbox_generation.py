"""How long each vendor sandbox takes to build its seeded data, at a given size.

    .venv/bin/python bench/sandbox_generation.py [SIZE]      (default 100000)

Prints seconds per sandbox and each one's ratio to the fastest, and, at 100,000, the budget
the sandbox tests once asserted on the wall clock (``over`` when missed). Engage persists
through the local store (validation, merge, SQL), the others keep their data in memory.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import time

from asgi_lifespan import LifespanManager

from sandboxes.kit import SandboxConfig
from sandboxes.runner import KINDS

# Seconds the sandbox tests allowed for 100,000 recordings before timing left the tests.
BUDGET_S = {"bandwidth": 8.0, "webex": 10.0}


async def build_seconds(kind: str, size: int) -> float:
    module = importlib.import_module(f"sandboxes.{kind}")
    started = time.perf_counter()
    app = module.create_app(SandboxConfig(size=size))
    async with LifespanManager(app, startup_timeout=600):
        return time.perf_counter() - started


async def main(size: int) -> None:
    results = {kind: await build_seconds(kind, size) for kind in KINDS}
    fastest = min(results.values())
    print(f"sandbox generation, {size:,} recordings each")
    for kind, seconds in results.items():
        budget = BUDGET_S.get(kind) if size == 100_000 else None
        verdict = "" if budget is None else f"   budget {budget:4.1f} s{'  over' if seconds > budget else ''}"
        print(f"  {kind:15} {seconds:6.1f} s   x{seconds / fastest:4.1f}{verdict}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
