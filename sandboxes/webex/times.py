"""Time on the Webex wire: ISO 8601 parsing, the ``timezone`` header, the sandbox clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request

from sandboxes.webex.errors import WebexError

__all__ = ["Clock", "format_time", "make_clock", "parse_time", "request_zone"]

Clock = Callable[[], datetime]


def make_clock(anchor: datetime | None) -> Clock:
    """Wall-clock time, or, with an `anchor`, time running on from the anchor at app build."""
    if anchor is None:
        return lambda: datetime.now(UTC)
    start, origin = time.monotonic(), anchor if anchor.tzinfo else anchor.replace(tzinfo=UTC)
    return lambda: datetime.fromtimestamp(origin.timestamp() + time.monotonic() - start, UTC)


def request_zone(request: Request) -> tzinfo:
    """The IANA zone of the ``timezone`` header, or query parameter as wxc_sdk sends it; UTC by default."""
    name = request.headers.get("timezone") or request.query_params.get("timezone")
    if not name or name in ("UTC", "Etc/UTC"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise WebexError(400, f"Invalid timezone: {name}.") from exc


def parse_time(name: str, value: str, zone: tzinfo) -> float:
    """An ISO 8601 query value as epoch seconds; times without an offset are read in `zone`."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise WebexError(400, f"Invalid {name} value: {value}. It should be in ISO 8601 format.") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.timestamp()


def format_time(epoch: float, zone: tzinfo) -> str:
    """Whole-second ISO 8601: ``...Z`` in UTC, the zone's offset (``+08:00``) otherwise."""
    if zone is UTC:
        return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return datetime.fromtimestamp(epoch, zone).isoformat(timespec="seconds")
