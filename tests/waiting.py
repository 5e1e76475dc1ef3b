"""Waiting on events in tests: poll a condition with a bound, never sleep for a fixed time."""

import asyncio
import inspect
from collections.abc import Awaitable, Callable

__all__ = ["wait_until"]


async def wait_until(condition: Callable[[], bool | Awaitable[bool]], what: str, timeout_s: float = 10) -> None:
    """Poll `condition` until it holds; fail naming `what` once `timeout_s` have passed."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        held = condition()
        if await held if inspect.isawaitable(held) else held:
            return
        assert asyncio.get_running_loop().time() < deadline, f"not within {timeout_s} s: {what}"
        await asyncio.sleep(0.01)
