"""The recording filter evaluated in the gateway, for criteria a source cannot push down.

The semantics match the local store's SQL exactly (a test compares both), so a filter gives
the same answer whether a source applied it or the gateway did.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gateway.models import Recording
from gateway.query import Capability, RecordingFilter, RecordingSearch
from gateway.sources.base import Source

__all__ = ["applied_here", "matches", "unpushed"]


def _wildcard(pattern: str, *, ignore_case: bool = False) -> Callable[[str | None], bool]:
    """Engage's ``*`` (any run of characters), nothing else special; whole-value match."""
    regex = re.compile(
        "".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\Z",
        re.DOTALL | (re.IGNORECASE if ignore_case else 0),
    )
    return lambda value: value is not None and regex.match(value) is not None


def _participants(recording: Recording, terms: list[str], all_terms: bool) -> bool:
    names = [
        name
        for event in recording.events
        for name in (event.contact.user_name, event.contact.first_name, event.contact.last_name)
        if name
    ] + [
        name
        for p in recording.participants
        for name in (p.contact.user_name, p.contact.first_name, p.contact.last_name)
        if name
    ]
    hits = [any(_wildcard(term, ignore_case=True)(name) for name in names) for term in terms]
    return all(hits) if all_terms else any(hits)


def _user_data(recording: Recording, terms: list[str]) -> bool:
    values = [value for event in recording.events for value in event.data.values()]
    return any(_wildcard(term)(value) for term in terms for value in values)


_CRITERIA: dict[Capability, Callable[[Recording, RecordingFilter], bool]] = {
    Capability.FILTER_TIME_RANGE: lambda r, f: (
        r.start_time is not None
        and (f.started_after is None or r.start_time >= f.started_after)
        and (f.started_before is None or r.start_time < f.started_before)
    ),
    Capability.FILTER_CALLER_NUMBER: lambda r, f: _wildcard(f.caller_number or "")(r.caller_number),
    Capability.FILTER_DIALED_NUMBER: lambda r, f: _wildcard(f.dialed_number or "")(r.dialed_number),
    Capability.FILTER_PARTICIPANT: lambda r, f: _participants(
        r, [t for t in (f.participant or "").split() if t != "AND"], "AND" in (f.participant or "").split()
    ),
    Capability.FILTER_USER_DATA: lambda r, f: _user_data(r, (f.user_data or "").split()),
    Capability.FILTER_REGION: lambda r, f: r.region == f.region,
    Capability.FILTER_STATE: lambda r, f: r.state in f.states,
    Capability.FILTER_KIND: lambda r, f: r.kind in f.kinds,
    Capability.FILTER_FORMAT: lambda r, f: r.format in f.formats or any(m.format in f.formats for m in r.media_files),
    Capability.FILTER_CONVERSATION: lambda r, f: r.conversation_id == f.conversation_id,
    Capability.FILTER_TEXT: lambda r, f: (f.text or "").casefold() in (r.title or "").casefold(),
    Capability.FILTER_RETENTION_DUE: lambda r, f: (
        r.retention is not None
        and r.retention.delete_at is not None
        and f.retention_due_before is not None
        and r.retention.delete_at < f.retention_due_before
    ),
}

_SET: dict[Capability, Callable[[RecordingFilter], bool]] = {
    Capability.FILTER_TIME_RANGE: lambda f: f.started_after is not None or f.started_before is not None,
    Capability.FILTER_CALLER_NUMBER: lambda f: bool(f.caller_number),
    Capability.FILTER_DIALED_NUMBER: lambda f: bool(f.dialed_number),
    Capability.FILTER_PARTICIPANT: lambda f: bool((f.participant or "").replace("AND", "").strip()),
    Capability.FILTER_USER_DATA: lambda f: bool((f.user_data or "").strip()),
    Capability.FILTER_REGION: lambda f: f.region is not None,
    Capability.FILTER_STATE: lambda f: bool(f.states),
    Capability.FILTER_KIND: lambda f: bool(f.kinds),
    Capability.FILTER_FORMAT: lambda f: bool(f.formats),
    Capability.FILTER_CONVERSATION: lambda f: f.conversation_id is not None,
    Capability.FILTER_TEXT: lambda f: bool(f.text),
    Capability.FILTER_OWNER: lambda f: f.owners is not None or f.owner_email is not None,
    Capability.FILTER_RETENTION_DUE: lambda f: f.retention_due_before is not None,
}


def unpushed(filter: RecordingFilter, capabilities: frozenset[Capability]) -> list[Capability]:
    """The criteria of `filter` that are set but that a source with `capabilities` cannot apply."""
    return [criterion for criterion, is_set in _SET.items() if is_set(filter) and criterion not in capabilities]


def applied_here(source: Source, search: RecordingSearch) -> list[Capability]:
    """The criteria of `search` that the gateway applies to what `source` lists (the source cannot)."""
    return unpushed(search.filter, source.pushdown(search))


def _owner(recording: Recording, filter: RecordingFilter, owner_email: str | None) -> bool:
    if filter.owners is not None and recording.owner not in filter.owners:
        return False
    return filter.owner_email is None or (owner_email or "").casefold() == filter.owner_email.casefold()


def matches(
    recording: Recording, filter: RecordingFilter, criteria: list[Capability], *, owner_email: str | None = None
) -> bool:
    """Whether `recording` meets the `criteria` of `filter`; `owner_email` is its owner's, when looked up."""
    return all(
        _owner(recording, filter, owner_email)
        if criterion is Capability.FILTER_OWNER
        else _CRITERIA[criterion](recording, filter)
        for criterion in criteria
    )
