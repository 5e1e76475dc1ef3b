"""Media retention policies: filtered listing, create, get, replace, patch, delete, bulk delete."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .catalog import POLICY_PATH
from .errors import bad_request, not_found
from .listing import echoed, entity_listing, page_of
from .params import bool_param, csv_param, int_param, json_body
from .routing import api, empty, ok
from .store import Store

__all__ = ["MAX_BULK_IDS", "policy_routes"]

MAX_BULK_IDS = 100
_SORTABLE = ("name", "order", "createdDate", "modifiedDate")
_SUMMARY = ("id", "name", "modifiedDate", "createdDate", "order", "description", "enabled", "selfUri")
_OBJECTS = ("mediaPolicies", "conditions", "actions")
_FILTERS = ("name", "enabled", "summary", "hasErrors", "deleteDaysThreshold", "sortBy")


def _find(request: Request, store: Store) -> dict[str, Any]:
    policy = store.policies.get(request.path_params["policyId"])
    if policy is None:
        raise not_found(f"Policy {request.path_params['policyId']} was not found.")
    return policy


def _all_actions(policy: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield policy.get("actions") or {}
    for media_policy in (policy.get("mediaPolicies") or {}).values():
        if isinstance(media_policy, dict):
            yield media_policy.get("actions") or {}


def _delete_days(policy: dict[str, Any]) -> int:
    days = [
        ((actions.get("retentionDuration") or {}).get("deleteRetention") or {}).get("days")
        for actions in _all_actions(policy)
    ]
    return max((day for day in days if isinstance(day, int)), default=0)


def _check(body: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """The writable fields of a policy body, validated like the API does."""
    if not partial or "name" in body:
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise bad_request("The policy name is required.", "invalid.value")
    for field, kind in (("enabled", bool), ("description", str), ("order", int)):
        if field in body and not isinstance(body[field], kind):
            raise bad_request(f"Value [{body[field]}] is not valid for field [{field}].", "invalid.value")
    for field in _OBJECTS:
        if field in body and not isinstance(body[field], dict):
            raise bad_request(f"Value for field [{field}] must be an object.", "invalid.value")
    return {key: body[key] for key in ("name", "enabled", "description", "order", *_OBJECTS) if key in body}


async def list_policies(request: Request, store: Store) -> Response:
    page = page_of(request)
    name = (request.query_params.get("name") or "").lower()
    enabled = bool_param(request, "enabled")
    has_errors = bool_param(request, "hasErrors")
    summary = bool_param(request, "summary") or False
    threshold = int_param(request, "deleteDaysThreshold", -1)
    sort_by = request.query_params.get("sortBy") or "name"
    items = [
        policy
        for policy in store.policies.values()
        if name in policy["name"].lower()
        and (enabled is None or policy.get("enabled", False) == enabled)
        and (has_errors is None or bool(policy.get("policyErrors")) == has_errors)
        and (threshold < 0 or _delete_days(policy) > threshold)
    ]
    key = sort_by if sort_by in _SORTABLE else "name"
    items.sort(key=lambda policy: (policy.get(key) is None, policy.get(key, "")))
    extra = echoed(request, *_FILTERS)

    def render(policy: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in policy.items() if k in _SUMMARY} if summary else policy

    return ok(entity_listing(items, page, POLICY_PATH, render, extra))


async def create_policy(request: Request, store: Store) -> Response:
    fields = _check(await json_body(request), partial=False)
    policy_id = str(uuid.uuid4())
    stamp = store.stamp()
    policy = {
        "id": policy_id,
        "modifiedDate": stamp,
        "createdDate": stamp,
        "enabled": False,
        **fields,
        "selfUri": f"{POLICY_PATH}/{policy_id}",
    }
    store.policies[policy_id] = policy
    return ok(policy)


async def get_policy(request: Request, store: Store) -> Response:
    return ok(_find(request, store))


async def put_policy(request: Request, store: Store) -> Response:
    """Replace the policy with the body (a full ``Policy``)."""
    old = _find(request, store)
    fields = _check(await json_body(request), partial=False)
    policy = {
        "id": old["id"],
        "createdDate": old["createdDate"],
        "modifiedDate": store.stamp(),
        "enabled": False,
        **fields,
        "selfUri": old["selfUri"],
    }
    store.policies[old["id"]] = policy
    return ok(policy)


async def patch_policy(request: Request, store: Store) -> Response:
    """Merge the given fields (``PolicyUpdate``) into the policy."""
    policy = _find(request, store)
    policy.update(_check(await json_body(request), partial=True))
    policy["modifiedDate"] = store.stamp()
    return ok(policy)


async def delete_policy(request: Request, store: Store) -> Response:
    del store.policies[_find(request, store)["id"]]
    return empty()


async def delete_policies(request: Request, store: Store) -> Response:
    """Bulk delete: only the ids in ``ids`` (required); unknown ids are skipped."""
    ids = csv_param(request, "ids")
    if not ids:
        raise bad_request("The ids query parameter is required.", "invalid.value")
    if len(ids) > MAX_BULK_IDS:
        raise bad_request(f"At most {MAX_BULK_IDS} ids can be deleted at once.", "invalid.value")
    for policy_id in ids:
        store.policies.pop(policy_id, None)
    return empty()


def policy_routes() -> list[Route]:
    base = "/recording/mediaretentionpolicies"
    return [
        api(base, list_policies, "GET"),
        api(base, create_policy, "POST"),
        api(base, delete_policies, "DELETE"),
        api(base + "/{policyId}", get_policy, "GET"),
        api(base + "/{policyId}", put_policy, "PUT"),
        api(base + "/{policyId}", patch_policy, "PATCH"),
        api(base + "/{policyId}", delete_policy, "DELETE"),
    ]
