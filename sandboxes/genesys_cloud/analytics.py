"""``POST /analytics/conversations/details/query``: conversations (with their recorded
sessions) in an interval, paged, ordered, with simple dimension filters."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..world import Call, Person, stable_uuid
from .data import ConvRecording
from .errors import bad_request
from .params import iso, json_body, parse_datetime
from .routing import api, ok
from .store import Store

__all__ = ["analytics_routes"]

_MAX_PAGE = 100
_LONGEST_CALL = timedelta(hours=1)
_ORDERS = ("asc", "desc", "unordered")
_ORDER_BY = ("conversationStart", "conversationEnd", "segmentStart", "segmentEnd")


def _session(call: Call, purpose: str, leg: int) -> dict[str, Any]:
    disconnect = "endpoint" if purpose == "customer" else "client"
    key = (purpose, leg) if leg else (purpose,)
    return {
        "sessionId": stable_uuid(call.conversation_id, *key, "session"),
        "mediaType": "voice",
        "direction": "inbound",
        "ani": f"tel:{call.caller}",
        "dnis": f"tel:{call.dialed}",
        "addressFrom": f"tel:{call.caller}",
        "addressTo": f"tel:{call.dialed}",
        "provider": "Edge",
        "recording": True,
        "segments": [
            {
                "segmentStart": iso(call.start),
                "segmentEnd": iso(call.end),
                "segmentType": "interact",
                "disconnectType": disconnect,
            }
        ],
    }


def _participant(call: Call, purpose: str, person: Person | None, *, leg: int = 0) -> dict[str, Any]:
    """A participant; `leg` numbers the agents consulted after the first one."""
    key = (purpose, leg) if leg else (purpose,)
    body: dict[str, Any] = {"participantId": stable_uuid(call.conversation_id, *key, "participant")}
    if person is not None:
        body["participantName"] = person.name
    elif purpose == "customer":
        body["participantName"] = call.caller
    body["purpose"] = purpose
    if purpose == "agent" and person is not None:
        body["userId"] = person.uuid
    body["sessions"] = [_session(call, purpose, leg)]
    return body


def _consulted(recs: list[ConvRecording]) -> list[Person]:
    """The colleagues consulted during the conversation (their legs are recorded too)."""
    return [rec.consulted for rec in recs if rec.consulted is not None]


def _conversation(recs: list[ConvRecording], store: Store) -> dict[str, Any]:
    call = recs[0].call
    participants = [_participant(call, "customer", call.customer), _participant(call, "agent", call.agent)]
    participants += [_participant(call, "agent", person, leg=n) for n, person in enumerate(_consulted(recs), 1)]
    return {
        "conversationId": call.conversation_id,
        "conversationStart": iso(call.start),
        "conversationEnd": iso(call.end),
        "originatingDirection": "inbound",
        "divisionIds": [store.division_id],
        "participants": participants,
    }


def _facts(recs: list[ConvRecording], store: Store) -> dict[str, set[str]]:
    """What the conversation's segments hold, per dimension (a segment filter matches any of them)."""
    call = recs[0].call
    return {
        "conversationId": {call.conversation_id},
        "divisionId": {store.division_id},
        "originatingDirection": {"inbound"},
        "direction": {"inbound"},
        "userId": {call.agent.uuid} | {person.uuid for person in _consulted(recs)},
        "mediaType": {"voice"},
        "purpose": {"customer", "agent"},
        "ani": {f"tel:{call.caller}"},
        "dnis": {f"tel:{call.dialed}"},
        "recording": {"true"},
    }


def _predicate(predicate: dict[str, Any], facts: dict[str, set[str]]) -> bool:
    if predicate.get("type", "dimension") != "dimension":
        return True  # metric and property predicates are not modelled
    values = facts.get(str(predicate.get("dimension")), set())
    operator = predicate.get("operator", "matches")
    if operator == "exists":
        return bool(values)
    if operator == "notExists":
        return not values
    return str(predicate.get("value")) in values


def _clause(clause: dict[str, Any], facts: dict[str, set[str]]) -> bool:
    if not isinstance(clause, dict):
        raise bad_request("Each filter must be an object.")
    results = [_predicate(p, facts) for p in clause.get("predicates") or []]
    results += [_clause(c, facts) for c in clause.get("clauses") or []]
    if not results:
        return True
    return any(results) if clause.get("type") == "or" else all(results)


def _filters(body: dict[str, Any]) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    for name in ("conversationFilters", "segmentFilters"):
        value = body.get(name) or []
        if not isinstance(value, list):
            raise bad_request(f"{name} must be a list.")
        filters += value
    return filters


def _paging(body: dict[str, Any]) -> tuple[int, int]:
    paging = body.get("paging") or {}
    size, number = paging.get("pageSize", 25), paging.get("pageNumber", 1)
    if not isinstance(size, int) or not 1 <= size <= _MAX_PAGE:
        raise bad_request(
            f"Value [{size}] is not valid for field [paging.pageSize]. Allowable values are: 1-{_MAX_PAGE}"
        )
    if not isinstance(number, int) or number < 1:
        raise bad_request(f"Value [{number}] is not valid for field [paging.pageNumber].")
    return size, number


def _in_interval(store: Store, interval: object) -> Iterable[ConvRecording]:
    """Recordings whose conversation overlaps the ``start/end`` interval."""
    if not isinstance(interval, str) or interval.count("/") != 1:
        raise bad_request("An interval of the form start/end is required.", "invalid.date")
    start_text, end_text = interval.split("/")
    start, end = parse_datetime(start_text, "interval"), parse_datetime(end_text, "interval")
    if end <= start:
        raise bad_request("The interval end must be after its start.", "invalid.date")
    low = bisect.bisect_left(store.starts, start - _LONGEST_CALL)
    high = bisect.bisect_left(store.starts, end)
    return (rec for rec in store.timeline[low:high] if rec.call.end > start)


async def details_query(request: Request, store: Store) -> Response:
    body = await json_body(request)
    order = body.get("order", "asc")
    order_by = body.get("orderBy", "conversationStart")
    if order not in _ORDERS or order_by not in _ORDER_BY:
        raise bad_request(f"Invalid order [{order}] or orderBy [{order_by}].", "invalid.value")
    size, number = _paging(body)
    filters = _filters(body)
    seen: dict[str, list[ConvRecording] | None] = {}
    for rec in _in_interval(store, body.get("interval")):
        if rec.conversation_id not in seen:
            recs = store.by_conversation[rec.conversation_id]
            seen[rec.conversation_id] = recs if all(_clause(c, _facts(recs, store)) for c in filters) else None
    found = [recs for recs in seen.values() if recs is not None]
    if order_by in ("conversationEnd", "segmentEnd"):
        found.sort(key=lambda recs: recs[0].call.end)
    if order == "desc":
        found.reverse()
    page = found[(number - 1) * size : number * size]
    if not page:
        return ok({"totalHits": len(found)})
    return ok({"conversations": [_conversation(recs, store) for recs in page], "totalHits": len(found)})


def analytics_routes() -> list[Route]:
    return [api("/analytics/conversations/details/query", details_query, "POST")]
