"""What each sandbox's OpenAPI document states, its server enforces.

Read from the document itself: every bounded integer query parameter (its minimum and maximum
pass, one past them is the vendor's 400, and leaving it out pages like its default), every
list parameter's ``maxItems``, every required request-body field, the ``x-ratelimit`` and
the ``x-lifetime-seconds`` of tokens and links.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandboxes.openapi import LIFETIME
from tests.sandboxes.every_sandbox import KINDS, Opened, opened
from tests.sandboxes.limits_support import Surroundings, page_length, surroundings


@dataclasses.dataclass(frozen=True)
class Bounded:
    """One stated bound of a query parameter of a GET operation."""

    path: str
    name: str
    schema: dict[str, Any]


def _bounded(document: dict[str, Any]) -> Iterator[Bounded]:
    for path, item in document["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
            schema = parameter["schema"]
            if parameter["in"] == "query" and ({"minimum", "maximum", "default", "maxItems"} & set(schema)):
                yield Bounded(path, parameter["name"], schema)


def _url(path: str, values: dict[str, str]) -> str | None:
    """`path` with its parameters filled, or None when one has no known value."""
    names = re.findall(r"\{(\w+)\}", path)
    if any(name not in values for name in names):
        return None
    return re.sub(r"\{(\w+)\}", lambda m: values[m[1]], path)


async def _get(sandbox: Opened, around: Surroundings, bound: Bounded, value: str | None) -> httpx.Response:
    url = _url(bound.path, around.path_values)
    assert url is not None
    params = {**sandbox.query, **around.query.get(bound.path, {})}
    if value is not None:
        params[bound.name] = value
    return await sandbox.client.get(url, params=params, auth=around.auth.get(bound.path) or httpx.USE_CLIENT_DEFAULT)


def _passes(response: httpx.Response, what: str) -> None:
    assert 200 <= response.status_code < 300, (what, response.status_code, response.text[:300])


def _refused(response: httpx.Response, what: str) -> None:
    assert response.status_code == 400, (what, response.status_code, response.text[:300])


async def _check_integer(sandbox: Opened, around: Surroundings, bound: Bounded) -> bool:
    """Check one bounded integer; True when its default was seen filling a page."""
    what, schema = f"{bound.path}?{bound.name}", bound.schema
    if "minimum" in schema:
        _passes(await _get(sandbox, around, bound, str(schema["minimum"])), f"{what}=minimum")
        _refused(await _get(sandbox, around, bound, str(schema["minimum"] - 1)), f"{what}=minimum-1")
    if "maximum" in schema:
        at_most = await _get(sandbox, around, bound, str(schema["maximum"]))
        _passes(at_most, f"{what}=maximum")
        _refused(await _get(sandbox, around, bound, str(schema["maximum"] + 1)), f"{what}=maximum+1")
    if "default" not in schema:
        return False
    implicit = page_length((await _get(sandbox, around, bound, None)).json())
    explicit = page_length((await _get(sandbox, around, bound, str(schema["default"]))).json())
    assert implicit == explicit, (what, "default", implicit, explicit)
    return explicit == schema["default"]


async def _check_list(sandbox: Opened, around: Surroundings, bound: Bounded) -> None:
    most, what = bound.schema["maxItems"], f"{bound.path}?{bound.name}"
    ids = [f"unknown{n}" for n in range(most + 1)]
    _passes(await _get(sandbox, around, bound, ",".join(ids[:most])), f"{what} of maxItems")
    _refused(await _get(sandbox, around, bound, ",".join(ids)), f"{what} of maxItems + 1")


@pytest.mark.parametrize("kind", KINDS)
async def test_stated_query_bounds_are_enforced(kind: str) -> None:
    async with opened(kind) as sandbox:
        document = (await sandbox.client.get("/openapi.json")).json()
        around = await surroundings(sandbox)
        checked, full_defaults = set(), 0
        for bound in _bounded(document):
            if _url(bound.path, around.path_values) is None:
                continue
            checked.add(bound.path)
            if bound.schema.get("type") == "array":
                await _check_list(sandbox, around, bound)
            else:
                full_defaults += await _check_integer(sandbox, around, bound)
        assert checked >= around.listings, around.listings - checked
        assert full_defaults >= 1  # at least one default was told apart from a short page


@pytest.mark.parametrize("kind", KINDS)
async def test_stated_rate_limit_is_the_enforced_one(kind: str) -> None:
    async with opened(kind, size=40, rate_limits=True) as sandbox:
        document = (await sandbox.client.get("/openapi.json")).json()
        around = await surroundings(sandbox)
        assert (await sandbox.client.patch("/_sandbox/knobs", json={})).status_code == 200  # fresh windows
        stated, enforced = document.get("x-ratelimit"), sandbox.app.state.sandbox.stated_limit
        if stated is None:
            assert enforced is None
            for _ in range(50):
                assert (await sandbox.client.get(around.cheap)).status_code == 200
            return
        assert (stated["limit"], stated["periodSeconds"]) == (enforced.limit, enforced.period_s)
        for _ in range(stated["limit"]):
            assert (await sandbox.client.get(around.cheap)).status_code == 200
        assert (await sandbox.client.get(around.cheap)).status_code == 429
        sandbox.clock.advance(stated["periodSeconds"])
        assert (await sandbox.client.get(around.cheap)).status_code == 200


def _lifetimes(node: Any, where: str = "") -> Iterator[tuple[str, int]]:
    """(JSON path, seconds) of every stated lifetime in `node`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == LIFETIME:
                yield where, value
            else:
                yield from _lifetimes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _lifetimes(item, f"{where}/{index}")


@pytest.mark.parametrize("kind", KINDS)
async def test_stated_lifetimes_are_the_enforced_ones(kind: str) -> None:
    async with opened(kind, size=40) as sandbox:
        document = (await sandbox.client.get("/openapi.json")).json()
        around = await surroundings(sandbox)
        stated = dict(_lifetimes(document))
        assert set(stated) == set(around.lifetimes)
        for where, seconds in stated.items():
            await around.lifetimes[where](seconds)


def _json_bodies(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path, schema) of every operation with a JSON request body that has required fields."""
    schemas = document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            content = (operation.get("requestBody") or {}).get("content", {})
            schema = next((c["schema"] for t, c in content.items() if t.startswith("application/json")), None)
            if schema is not None and "$ref" in schema:
                schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
            if schema is not None and schema.get("required"):
                yield method.upper(), path, schema


@pytest.mark.parametrize("kind", KINDS)
async def test_stated_required_fields_are_enforced(kind: str) -> None:
    async with opened(kind, size=40) as sandbox:
        document = (await sandbox.client.get("/openapi.json")).json()
        around = await surroundings(sandbox)
        stated = list(_json_bodies(document))
        assert {(method, path) for method, path, _ in stated} == set(around.bodies)
        for method, path, schema in stated:
            url, own, make = around.bodies[(method, path)]
            auth = own or httpx.USE_CLIENT_DEFAULT
            for field in schema["required"]:
                body = {k: v for k, v in make().items() if k != field}
                response = await sandbox.client.request(method, url, json=body, auth=auth)
                assert 400 <= response.status_code < 500, (method, path, field, response.text[:300])
            response = await sandbox.client.request(method, url, json=make(), auth=auth)
            assert 200 <= response.status_code < 300, (method, path, response.text[:300])
