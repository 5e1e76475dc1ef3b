"""Pacing a source's calls by its vendor's stated rate limits, shared between replicas."""

from gateway.sources.upstream.pacer.options import Pacing
from gateway.sources.upstream.pacer.pacer import NoSlotInTime, Pacer
from gateway.sources.upstream.pacer.rate import RateLimit
from gateway.sources.upstream.pacer.redis_windows import RedisWindows
from gateway.sources.upstream.pacer.transport import PacedTransport
from gateway.sources.upstream.pacer.windows import LocalWindows, Windows

__all__ = ["LocalWindows", "NoSlotInTime", "PacedTransport", "Pacer", "Pacing", "RateLimit", "RedisWindows", "Windows"]
