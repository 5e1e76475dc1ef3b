"""People: ``GET /v1/people`` (by ``id`` list, ``email`` or ``displayName``), by id, and ``/me``.

Ids are base64 ``ciscospark://us/PEOPLE/<uuid>`` without padding; an ``id`` list holds at
most 85 ids and unknown ones are simply absent. Presence fields are never sent (the spec
leaves them out of id lookups; the sandbox has no presence at all).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandboxes.integers import parse_integer
from sandboxes.webex.auth import ADMIN, COMPLIANCE, PEOPLE_SCOPES, authorize, read_role
from sandboxes.webex.data import Store
from sandboxes.webex.errors import WebexError
from sandboxes.webex.ids import decode_id, encode_id
from sandboxes.webex.state import webex_state
from sandboxes.webex.wire import json_response, next_link

__all__ = ["MAX_IDS", "get_person", "list_people", "me", "person_json"]

MAX_IDS = 85
DEFAULT_MAX, MAX_MAX = 100, 1000
_EPOCH = datetime(2022, 1, 3, 9, tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def person_json(store: Store, email: str) -> dict[str, Any]:
    """The People API object of the roster person with `email`."""
    owner = store.owners_by_email[email]
    person = owner.person
    assert person is not None
    created = _EPOCH + timedelta(days=int(person.uuid[:4], 16) % 600)
    return {
        "id": encode_id("PEOPLE", person.uuid),
        "emails": [person.email],
        "phoneNumbers": [{"type": "work", "value": person.phone, "primary": True}],
        "displayName": person.name,
        "nickName": person.first_name,
        "firstName": person.first_name,
        "lastName": person.last_name,
        "orgId": encode_id("ORGANIZATION", store.org_uuid),
        "created": _stamp(created),
        "lastModified": _stamp(created + timedelta(days=30)),
        "type": "person",
    }


def _max(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_MAX
    value = parse_integer(raw)
    if value is None or not 1 <= value <= MAX_MAX:
        raise WebexError(400, f"Invalid max value: {raw}.")
    return value


def _matching(store: Store, request: Request) -> list[str]:
    params = request.query_params
    if (ids := params.get("id")) is not None:
        wanted = [item.strip() for item in ids.split(",") if item.strip()]
        if len(wanted) > MAX_IDS:
            raise WebexError(400, f"The id list can contain at most {MAX_IDS} ids.")
        by_uuid = {person.uuid: person.email for person in store.people}
        uuids = (decode_id("PEOPLE", item) for item in dict.fromkeys(wanted))
        return [by_uuid[raw] for raw in uuids if raw in by_uuid]
    if email := params.get("email"):
        return [p.email for p in store.people if p.email.casefold() == email.casefold()]
    if name := params.get("displayName"):
        return [p.email for p in store.people if p.name.casefold().startswith(name.casefold())]
    raise WebexError(400, "Email, displayName, or id list should be specified.")


async def list_people(request: Request) -> Response:
    """``GET /v1/people``: ``{"items": [...]}`` pages with a ``Link`` while more remain."""
    authorize(request, PEOPLE_SCOPES)
    store = webex_state(request).store
    size, emails = _max(request.query_params.get("max")), _matching(store, request)
    offset = max(0, parse_integer(request.query_params.get("cursor", "0")) or 0)
    chunk = emails[offset : offset + size]
    more = offset + size < len(emails)
    headers = {"Link": next_link(request, str(offset + size))} if more else {}
    return json_response({"items": [person_json(store, email) for email in chunk]}, headers=headers)


async def get_person(request: Request) -> Response:
    """``GET /v1/people/{personId}``."""
    authorize(request, PEOPLE_SCOPES)
    store = webex_state(request).store
    raw = decode_id("PEOPLE", request.path_params["personId"])
    person = next((p for p in store.people if p.uuid == raw), None)
    if person is None:
        raise WebexError(404)
    return json_response(person_json(store, person.email))


async def me(request: Request) -> Response:
    """``GET /v1/people/me``: the person the access token belongs to (officer, admin or user)."""
    token = authorize(request, PEOPLE_SCOPES)
    store = webex_state(request).store
    holder = {COMPLIANCE: store.officer, ADMIN: store.admin}.get(read_role(token), store.user)
    return json_response(person_json(store, holder.email))
