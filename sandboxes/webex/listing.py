"""List parameters of ``/convergedRecordings`` and ``/admin/convergedRecordings``, and paging.

Validation follows the seed and the published spec: ``max`` 1-100 (default 10); ``from``
inclusive and ``to`` exclusive in any ISO 8601 form, ``from`` not after ``to``, at most 30
days apart, a missing end defaulting to 7 days from the other (or to now); enumerated
``status``, ``serviceType``, ``format``, ``ownerType`` and ``storageRegion``. Pages are
newest first; the next page's URL is this URL with every parameter kept plus an opaque
``cursor``, which also pins the default window so later pages do not drift with the clock.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import dataclasses
import json
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from starlette.requests import Request

from sandboxes.integers import parse_integer
from sandboxes.webex.auth import COMPLIANCE
from sandboxes.webex.data import AVAILABLE, DELETED, PURGED, Owner, Recording
from sandboxes.webex.errors import WebexError
from sandboxes.webex.ids import decode_id
from sandboxes.webex.times import parse_time
from sandboxes.webex.wire import next_link

__all__ = ["ListQuery", "next_page", "page", "parse_list"]

DEFAULT_MAX, MAX_MAX = 10, 100
DEFAULT_WINDOW_S, MAX_WINDOW_S = 7 * 86_400, 30 * 86_400
SERVICE_TYPES = ("calling", "customerAssist")
FORMATS = ("MP3",)
OWNER_TYPES = ("user", "place", "virtualLine", "callQueue")
STORAGE_REGIONS = ("US", "SG", "GB", "JP", "DE", "AU", "IN", "CA")

Check = Callable[[Recording], bool]


@dataclasses.dataclass(frozen=True)
class ListQuery:
    """One validated list request: page size, window ``[start, end)``, status, filters, cursor."""

    max: int
    start: float
    end: float
    status: str
    checks: tuple[Check, ...]
    after: tuple[int, str] | None = None


def _max(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_MAX
    value = parse_integer(raw)
    if value is None or not 1 <= value <= MAX_MAX:
        raise WebexError(
            400, f"Invalid max value: {raw}. max must be equal to or greater than 1 and equal to or less than 100."
        )
    return value


def _window(request: Request, zone: tzinfo, now: datetime) -> tuple[float, float]:
    raw_from, raw_to = request.query_params.get("from"), request.query_params.get("to")
    start = parse_time("from", raw_from, zone) if raw_from else None
    end = parse_time("to", raw_to, zone) if raw_to else None
    if start is None and end is None:
        end = now.timestamp()
    if start is None:
        assert end is not None
        start = end - DEFAULT_WINDOW_S
    if end is None:
        end = start + DEFAULT_WINDOW_S
    if start > end:
        raise WebexError(400, "from cannot be after to.")
    if end - start > MAX_WINDOW_S:
        raise WebexError(400, "The interval between from and to must be within 30 days.")
    return start, end


def _choice(request: Request, name: str, allowed: Sequence[str]) -> str | None:
    value = request.query_params.get(name)
    if value is not None and value not in allowed:
        raise WebexError(400, f"Invalid {name} value: {value}. Valid values are {', '.join(allowed)}.")
    return value


def _status(request: Request, admin: bool, role: str) -> str:
    status = _choice(request, "status", (AVAILABLE, DELETED, PURGED) if admin else (AVAILABLE, DELETED)) or AVAILABLE
    if status == PURGED and role != COMPLIANCE:
        # Purged recordings are listable by a compliance officer only.
        raise WebexError(403)
    return status


def _owner_check(request: Request) -> list[Check]:
    checks: list[Check] = []
    owner_id = request.query_params.get("ownerId")
    if owner_id:
        # A bare UUID as the spec shows; a base64 Webex person id is read as its UUID (assumed).
        wanted = decode_id("PEOPLE", owner_id) or owner_id
        checks.append(lambda r: r.owner.uuid == wanted)
    owner_email = request.query_params.get("ownerEmail")
    if owner_email:
        email = owner_email.casefold()
        checks.append(lambda r: r.owner.email.casefold() == email)
    return checks


def _checks(request: Request, admin: bool, caller: Owner | None) -> tuple[Check, ...]:
    checks: list[Check] = [lambda r: r.owner is caller] if caller is not None else []
    if (service_type := _choice(request, "serviceType", SERVICE_TYPES)) is not None:
        checks.append(lambda r: r.service_type == service_type)
    _choice(request, "format", FORMATS)  # every converged recording is MP3
    if (owner_type := _choice(request, "ownerType", OWNER_TYPES)) is not None:
        checks.append(lambda r: r.owner.kind == owner_type)
    if (region := _choice(request, "storageRegion", STORAGE_REGIONS)) is not None:
        checks.append(lambda r: r.owner.location.region == region)
    if location_id := request.query_params.get("locationId"):
        location = decode_id("LOCATION", location_id) or location_id
        checks.append(lambda r: r.owner.location.uuid == location)
    if topic := request.query_params.get("topic"):
        needle = topic.casefold()
        checks.append(lambda r: needle in r.topic.casefold())
    if admin:
        checks.extend(_owner_check(request))
    return tuple(checks)


def _encode_cursor(start: float, end: float, last: Recording) -> str:
    raw = json.dumps([round(start * 1000), round(end * 1000), last.create, last.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[float, float, int, str]:
    try:
        start, end, create, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return int(start) / 1000, int(end) / 1000, int(create), str(last_id)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise WebexError(400, "Invalid cursor.") from exc


def parse_list(
    request: Request, *, admin: bool, role: str, caller: Owner | None, zone: tzinfo, now: datetime
) -> ListQuery:
    """Validate a list request; `caller` narrows a user's list to their own recordings."""
    size = _max(request.query_params.get("max"))
    start, end = _window(request, zone, now)
    status = _status(request, admin, role)
    checks = _checks(request, admin, caller)
    after = None
    if cursor := request.query_params.get("cursor"):
        start, end, create, last_id = _decode_cursor(cursor)
        after = (create, last_id)
    return ListQuery(size, start, end, status, checks, after)


def _newest_first(recording: Recording) -> float:
    return -recording.create


def _sort_key(recording: Recording) -> tuple[int, str]:
    return recording.sort_key


def page(recordings: Sequence[Recording], query: ListQuery) -> tuple[list[Recording], bool]:
    """One page of `recordings` (newest first) and whether another matching one follows."""
    first = bisect.bisect_right(recordings, -query.end, key=_newest_first)
    stop = bisect.bisect_right(recordings, -query.start, key=_newest_first)
    if query.after is not None:
        create, last_id = query.after
        first = max(first, bisect.bisect_right(recordings, (-create, last_id), key=_sort_key))
    items: list[Recording] = []
    for index in range(first, stop):
        recording = recordings[index]
        if recording.gone or recording.status != query.status or not all(check(recording) for check in query.checks):
            continue
        if len(items) == query.max:
            return items, True
        items.append(recording)
    return items, False


def next_page(request: Request, query: ListQuery, last: Recording) -> str:
    """The ``Link`` value of the page after `last`."""
    return next_link(request, _encode_cursor(query.start, query.end, last))
