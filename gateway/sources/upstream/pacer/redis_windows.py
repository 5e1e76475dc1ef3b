"""Sliding-window logs in Redis, shared by every replica, with an in-process fallback.

Each rate key is a sorted set of send times by Redis' own clock (replicas' clocks may differ),
checked, trimmed and added to by one atomic script, plus a pause key that a 429 sets. When Redis
cannot be reached, the replica paces in process on a `share` of each budget (it cannot know what
the others send), counting what Redis last said each window held; once Redis answers again it
adds what it sent meanwhile, so the shared windows stay whole.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.sources.upstream.pacer.rate import RateLimit
from gateway.sources.upstream.pacer.windows import LocalWindows

__all__ = ["RedisWindows"]

logger = logging.getLogger("recgate.pacer")

# KEYS: the log (send times, microseconds by Redis' clock) and the pause. ARGV: the cap (-1: no
# limit, pauses only), the window (microseconds), a unique member, then the ages (microseconds)
# of sends this replica made without Redis, counted first. Returns {milliseconds to wait, sends in the window}.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local cap, window = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 4, #ARGV do
  local age = tonumber(ARGV[i])
  if age < window then redis.call('ZADD', KEYS[1], now - age, ARGV[3] .. '.' .. i) end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local wait_ms = redis.call('PTTL', KEYS[2])
if wait_ms <= 0 then
  wait_ms = 0
  if cap >= 0 and count < cap then
    redis.call('ZADD', KEYS[1], now, ARGV[3])
    count = count + 1
  elseif cap >= 0 then
    local oldest = redis.call('ZRANGE', KEYS[1], count - cap, count - cap, 'WITHSCORES')
    wait_ms = math.ceil((tonumber(oldest[2]) + window - now) / 1000)
  end
end
if count > 0 then redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000)) end
return {wait_ms, count}
"""
# KEYS: the pause. ARGV: milliseconds. Never shortens a longer pause.
_PAUSE = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0
"""
_UNREACHABLE = (RedisError, OSError)
# Seconds between attempts to reach Redis again once it failed (an attempt may wait out a timeout).
_RECHECK_S = 2.0


@dataclasses.dataclass
class _Sent:
    """Sends of one rate key with one window length, by this process's clock."""

    period_s: float
    times: list[float] = dataclasses.field(default_factory=list)


class RedisWindows:
    """`Windows` in Redis under `prefix`; while Redis fails, `LocalWindows` on `share` of each budget."""

    def __init__(
        self, client: Redis, prefix: str, *, share: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.share = share
        self.local = LocalWindows(clock)
        self._clock = clock
        self._prefix = prefix
        self._take = client.register_script(_TAKE)
        self._pause = client.register_script(_PAUSE)
        # Per key: how many sends Redis last said its window held (all counted at the moment it said).
        self._known: dict[str, tuple[float, int, float]] = {}
        # Per key: what this replica sent without Redis, until Redis counts it too.
        self._unshared: dict[str, _Sent] = {}
        self._down_since: float | None = None
        self._recheck_at = 0.0

    async def take(self, key: str, window: RateLimit | None) -> float:
        paused = self.local.paused_for(key)
        if paused > 0:
            return paused
        if self._reachable():
            unshared = self._unshared.get(key)
            period_s = window.period_s if window else unshared.period_s if unshared else 1.0
            try:
                wait_ms, count = await self._run(key, window.limit if window else -1, period_s, unshared)
            except _UNREACHABLE as exc:
                self._went_down(exc)
            else:
                self._unshared.pop(key, None)
                if window is not None:
                    self._remember(key, int(count), window.period_s)
                await self._recovered()
                return int(wait_ms) / 1000
        return self._take_locally(key, window)

    async def pause(self, key: str, seconds: float) -> None:
        await self.local.pause(key, seconds)
        if self._reachable():
            try:
                await self._pause(keys=self._keys(key)[1:], args=[max(1, round(seconds * 1000))])
            except _UNREACHABLE as exc:
                self._went_down(exc)

    def _keys(self, key: str) -> list[str]:
        # One hash tag, so both keys of a rate key live on one node of a Redis cluster.
        return [f"{self._prefix}pace:{{{key}}}:log", f"{self._prefix}pace:{{{key}}}:pause"]

    def _reachable(self) -> bool:
        return self._down_since is None or self._clock() >= self._recheck_at

    async def _run(self, key: str, cap: int, period_s: float, unshared: _Sent | None) -> list[int]:
        now = self._clock()
        ages = [round((now - sent) * 1_000_000) for sent in unshared.times] if unshared else []
        args: list[int | str] = [cap, round(period_s * 1_000_000), uuid.uuid4().hex, *ages]
        reply: list[int] = await self._take(keys=self._keys(key), args=args)
        return reply

    def _remember(self, key: str, count: int, period_s: float) -> None:
        now = self._clock()
        if key not in self._known:  # rate keys come and go with tokens: forget the idle ones
            for idle in [k for k, (when, _, period) in self._known.items() if now - when >= period]:
                del self._known[idle]
        self._known[key] = (now, count, period_s)

    def _take_locally(self, key: str, window: RateLimit | None) -> float:
        if window is None:
            return self.local.take_now(key, None)
        wait = self.local.take_now(key, window.share(self.share))
        if wait == 0:
            self._unshared.setdefault(key, _Sent(window.period_s)).times.append(self._clock())
        return wait

    def _went_down(self, exc: BaseException) -> None:
        now = self._clock()
        self._recheck_at = now + _RECHECK_S
        if self._down_since is not None:
            return
        self._down_since = now
        logger.warning("redis unreachable (%s): pacing in process on %g of each budget", type(exc).__name__, self.share)
        for key, (when, count, period_s) in self._known.items():
            if now - when < period_s:
                self.local.seed(key, when, count)

    async def _recovered(self) -> None:
        """Once Redis answers again: have it count every key's sends made without it."""
        if self._down_since is None:
            return
        self._down_since = None
        logger.info("redis reachable again: pacing shared between replicas")
        for key, unshared in list(self._unshared.items()):
            try:
                await self._run(key, -1, unshared.period_s, unshared)
            except _UNREACHABLE as exc:
                self._went_down(exc)
                return
            self._unshared.pop(key, None)
