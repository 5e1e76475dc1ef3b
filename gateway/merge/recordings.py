"""One listing over several sources: a merge of each source's ordered stream.

Every source returns its recordings in the requested order from its own position, each with
the position just after it; the merge takes the best `first` of them and records, per source,
the position after the last one it used, so the next page neither skips nor repeats. A
failing source, or one with no answer by the request's deadline, is left out of the page (its
position kept) and reported as a partial error. A source scanning for matches it cannot filter
itself stops at the deadline with what it found so far, and resumes there on the next page.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from gateway.deadline import DeadlinePassed, bounded
from gateway.errors import GatewayError, SourceError, Unsupported
from gateway.filtering import applied_here, matches
from gateway.merge.base import DONE, Merged
from gateway.models import Recording, UserRef
from gateway.query import Capability, OrderKey, Page, RecordingSearch, SortField
from gateway.sources.base import CallSource, Source, UserSource
from gateway.sources.indexed import unwrapped

__all__ = ["RecordingsMerged", "merge_recordings", "sort_key"]

# A source that filters nothing itself is walked at most this many pages per listing call.
MAX_PAGES_PER_CALL = 10
# Sources filter start times at their own resolution: a seek's time bound leaves this much slack.
SEEK_SLACK = timedelta(seconds=1)


RecordingsMerged = Merged[Recording]


def sort_key(search: RecordingSearch) -> Callable[[Recording], OrderKey]:
    """A recording's place in the merged order: (start time or duration, source, id), compared whole."""

    def key(recording: Recording) -> OrderKey:
        if search.sort is SortField.DURATION:
            value: float = recording.duration_ms or 0
        else:
            value = recording.start_time.timestamp() if recording.start_time else 0.0
        return (value, recording.source, recording.source_id)

    return key


def _beyond(search: RecordingSearch, key: OrderKey) -> Callable[[Recording], bool]:
    """Whether a recording sorts strictly after `key` in the search's order."""
    of = sort_key(search)
    return (lambda r: of(r) < key) if search.descending else (lambda r: of(r) > key)


def _time_bounded(source: Source, search: RecordingSearch, key: OrderKey) -> RecordingSearch:
    """The search narrowed by start time to what can sort after `key`: a seek for sources without keysets.

    Never below the source's own lookback, so a seek does not widen what the source lists.
    """
    if search.sort is not SortField.START_TIME:
        return search
    at, f = datetime.fromtimestamp(key[0], UTC), search.filter
    if search.descending:
        upper = min(at + SEEK_SLACK, f.started_before or at + SEEK_SLACK)
        return dataclasses.replace(search, filter=dataclasses.replace(f, started_before=upper))
    floor = f.started_after or source.listing_starts()
    lower = at - SEEK_SLACK if floor is None else max(at - SEEK_SLACK, floor)
    return dataclasses.replace(search, filter=dataclasses.replace(f, started_after=lower))


def _needs_numbers(criteria: list[Capability]) -> bool:
    return Capability.FILTER_CALLER_NUMBER in criteria or Capability.FILTER_DIALED_NUMBER in criteria


async def _with_call_numbers(source: Source, recordings: Sequence[Recording]) -> list[Recording]:
    """Fill caller/dialed numbers from the source's call resources, to filter on them."""
    connector = unwrapped(source)
    call_ids = [r.call_id for r in recordings if r.call_id and r.caller_number is None]
    if not call_ids or not isinstance(connector, CallSource):
        return list(recordings)
    calls = {c.source_id: c for c in await connector.get_calls(list(dict.fromkeys(call_ids))) if c}
    return [
        dataclasses.replace(
            r, caller_number=calls[r.call_id].caller_number, dialed_number=calls[r.call_id].dialed_number
        )
        if r.call_id in calls and r.caller_number is None
        else r
        for r in recordings
    ]


def _needs_owner_emails(search: RecordingSearch, criteria: list[Capability]) -> bool:
    return Capability.FILTER_OWNER in criteria and search.filter.owner_email is not None


async def _owner_emails(source: Source, recordings: Sequence[Recording]) -> dict[UserRef | None, str | None]:
    """The emails of the recordings' owners (one batched users call), to filter on them."""
    connector = unwrapped(source)
    owners = list(dict.fromkeys(r.owner for r in recordings if r.owner and r.owner.source == source.instance))
    if not owners or not isinstance(connector, UserSource):
        return {}
    users = await connector.get_users([owner.source_id for owner in owners])
    return {owner: user.email if user else None for owner, user in zip(owners, users, strict=True)}


def _exhausted(search: RecordingSearch, page: Page[Recording]) -> bool:
    """Newest first and already older than the window: later pages cannot match."""
    after = search.filter.started_after
    last = page.items[-1].start_time if page.items else None
    return (
        search.sort is SortField.START_TIME
        and search.descending
        and after is not None
        and last is not None
        and last < after
    )


@dataclasses.dataclass(frozen=True)
class _Scan:
    """A source's matches for one listing call, and the last recording it looked at."""

    page: Page[Recording]
    frontier: Recording | None

    @property
    def short(self) -> bool:
        """Fewer matches than asked while the source has more: its unseen ones sort after `frontier`."""
        return self.page.next is not None and self.frontier is not None


async def _look_at(
    source: Source, search: RecordingSearch, criteria: list[Capability], position: Any, first: int
) -> tuple[Page[Recording], Sequence[Recording], dict[UserRef | None, str | None]]:
    """One page of the source, with what the criteria applied here need (call numbers, owner emails)."""
    page = await source.list_recordings(search, position, first)
    candidates = await _with_call_numbers(source, page.items) if _needs_numbers(criteria) else page.items
    emails = await _owner_emails(source, page.items) if _needs_owner_emails(search, criteria) else {}
    return page, candidates, emails


async def _filtered_page(
    source: Source, search: RecordingSearch, position: Any, first: int, after_key: OrderKey | None
) -> _Scan:
    """Up to `first` matches: the source's own page, plus the criteria it cannot apply, applied here.

    With `after_key`, only recordings sorting after it: the source seeks there itself when its
    listing is a keyset, else its search is narrowed by start time and the rest dropped here.
    """
    admit: Callable[[Recording], bool] = lambda _: True  # noqa: E731
    if after_key is not None:
        admit = _beyond(search, after_key)
        seek = source.seek(search, after_key)
        if seek is None:
            search = _time_bounded(source, search, after_key)
        elif position is None:
            position = seek
    criteria = applied_here(source, search)
    scanning = bool(criteria) or after_key is not None
    items: list[Recording] = []
    after: list[Any] = []
    frontier: Recording | None = None
    for looked in range(MAX_PAGES_PER_CALL):
        try:
            async with bounded(source.instance):
                page, candidates, emails = await _look_at(source, search, criteria, position, first)
        except DeadlinePassed:
            if looked == 0:
                raise
            break  # what was scanned stands, with its frontier; the next listing call resumes at `position`
        frontier = page.items[-1] if page.items else frontier
        for recording, resume in zip(candidates, page.after, strict=True):
            if admit(recording) and matches(
                recording, search.filter, criteria, owner_email=emails.get(recording.owner)
            ):
                items.append(recording)
                after.append(resume)
        position = None if scanning and _exhausted(search, page) else page.next
        if len(items) >= first:
            return _Scan(Page(items[:first], after[first - 1] if len(items) > first else position, after[:first]), None)
        if position is None or not scanning:
            break
    return _Scan(Page(items, position, after), frontier if len(items) < first else None)


async def _page(
    source: Source, search: RecordingSearch, position: Any, first: int, after_key: OrderKey | None
) -> _Scan | GatewayError:
    if search.order not in source.native_orders:
        direction = "descending" if search.descending else "ascending"
        return Unsupported(f"{source.instance} cannot list recordings by {search.sort.value} {direction}")
    try:
        return await _filtered_page(source, search, position, first, after_key)
    except (SourceError, Unsupported) as exc:
        return exc


async def merge_recordings(
    sources: Sequence[Source],
    search: RecordingSearch,
    positions: dict[str, Any],
    first: int,
    *,
    after_key: OrderKey | None = None,
) -> RecordingsMerged:
    """The next `first` recordings over `sources`, from `positions` (empty: the first page).

    `after_key` starts the listing just after a recording's sort key instead (a cursor that holds
    no positions, e.g. from a backward page); the positions that result belong to that same start.
    """
    active = [s for s in sources if positions.get(s.instance) != DONE]
    results = await asyncio.gather(*(_page(s, search, positions.get(s.instance), first, after_key) for s in active))
    errors: list[GatewayError] = []
    candidates: list[tuple[Recording, Any]] = []
    pages: dict[str, Page[Recording]] = {}
    frontiers: list[Recording] = []
    for source, scan in zip(active, results, strict=True):
        if isinstance(scan, GatewayError):
            errors.append(scan)
            continue
        pages[source.instance] = scan.page
        candidates += zip(scan.page.items, scan.page.after, strict=True)
        if scan.short and scan.frontier is not None:
            frontiers.append(scan.frontier)
    key = sort_key(search)
    ordered = sorted(candidates, key=lambda pair: key(pair[0]), reverse=search.descending)
    if frontiers:
        # A source that matched little has unseen recordings sorting after its frontier: nothing
        # of the others past the earliest such frontier may be listed before them.
        cutoff = (max if search.descending else min)(key(r) for r in frontiers)
        ordered = [pair for pair in ordered if (key(pair[0]) >= cutoff) == search.descending or key(pair[0]) == cutoff]
    chosen = ordered[:first]
    running = {s.instance: positions.get(s.instance) for s in sources}
    per_item = []
    for recording, after in chosen:
        running[recording.source] = after
        per_item.append(dict(running))
    for instance, page in pages.items():
        if sum(1 for recording, _ in chosen if recording.source == instance) == len(page.items):
            running[instance] = DONE if page.next is None else page.next
    if per_item:
        per_item[-1] = running
    return Merged([r for r, _ in chosen], per_item, running, errors)
