"""Users: ``GET /users`` (many by id, paged, active by default) and ``GET /users/{userId}``."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .data import Member
from .errors import bad_request, not_found
from .listing import echoed, entity_listing, page_of
from .params import csv_param, enum_param
from .render import user_json
from .routing import api, ok
from .store import Store

__all__ = ["MAX_IDS", "MAX_PAGE_SIZE", "user_routes"]

_PATH = "/api/v2/users"
MAX_PAGE_SIZE = 500  # third-party figure; every other listing stops at 100
MAX_IDS = 100


def _matches(member: Member, state: str) -> bool:
    return state == "any" or member.state == state


async def list_users(request: Request, store: Store) -> Response:
    """Unknown ids are simply absent; so are users in another state unless ``state=any``."""
    page = page_of(request, maximum=MAX_PAGE_SIZE)
    ids = csv_param(request, "id")
    jabber_ids = csv_param(request, "jabberId")
    if ids and jabber_ids:
        raise bad_request("The id and jabberId parameters cannot be used together.")
    if len(ids) > MAX_IDS or len(jabber_ids) > MAX_IDS:
        raise bad_request(f"A maximum of {MAX_IDS} ids can be requested at once.")
    state = enum_param(request, "state", ("active", "inactive", "deleted", "any"), "active") or "active"
    descending = enum_param(request, "sortOrder", ("ascending", "descending"), "ascending") == "descending"
    members: Iterable[Member] = store.members.values()
    if ids:
        members = [store.members[user_id] for user_id in dict.fromkeys(ids) if user_id in store.members]
    elif jabber_ids:
        wanted = set(jabber_ids)
        members = [m for m in members if user_json(m, store)["chat"]["jabberId"] in wanted]
    items = sorted((m for m in members if _matches(m, state)), key=lambda m: m.person.name, reverse=descending)
    extra = echoed(request, "id", "jabberId", "state", "sortOrder")
    return ok(entity_listing(items, page, _PATH, lambda m: user_json(m, store), extra))


async def get_user(request: Request, store: Store) -> Response:
    """``state`` active (default: any user not deleted) or deleted."""
    state = enum_param(request, "state", ("active", "deleted"), "active")
    member = store.members.get(request.path_params["userId"])
    if member is None or (member.state == "deleted") != (state == "deleted"):
        raise not_found(f"User {request.path_params['userId']} was not found.")
    return ok(user_json(member, store))


def user_routes() -> list[Route]:
    return [
        api("/users", list_users, "GET"),
        api("/users/{userId}", get_user, "GET"),
    ]
