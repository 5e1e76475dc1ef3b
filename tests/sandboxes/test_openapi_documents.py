"""Every sandbox's ``/openapi.json``: a valid OpenAPI 3 document whose every ``$ref`` resolves,
describing every route of the vendor's API the sandbox serves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate
from starlette.routing import Route

from tests.sandboxes.every_sandbox import KINDS, opened


async def _document(kind: str) -> dict[str, Any]:
    async with opened(kind, size=20) as sandbox:
        response = await sandbox.client.get("/openapi.json")
        assert response.status_code == 200
        document: dict[str, Any] = response.json()
        return document


def _refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` value anywhere in `node`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _resolve(document: dict[str, Any], pointer: str) -> Any:
    """The node a local JSON pointer (``#/a/b``) names; KeyError when there is none."""
    assert pointer.startswith("#/"), pointer
    node: Any = document
    for part in pointer[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@pytest.mark.parametrize("kind", KINDS)
async def test_document_is_valid_openapi_3(kind: str) -> None:
    validate(await _document(kind))


@pytest.mark.parametrize("kind", KINDS)
async def test_every_ref_resolves_to_a_defined_schema(kind: str) -> None:
    document = await _document(kind)
    refs = set(_refs(document))
    assert refs
    dangling = set()
    for pointer in refs:
        try:
            target = _resolve(document, pointer)
        except KeyError:
            dangling.add(pointer)
            continue
        assert isinstance(target, dict) and target, pointer
    assert not dangling


# Routes that are no part of the vendor's API: the sandbox's own, and the download hosts that
# pre-signed links point at (Genesys Cloud's media CDN, Webex's NBR servlet and AI bridge).
_UNDOCUMENTED = ("/openapi.json", "/_sandbox/", "/media/", "/nbr/", "/wbxaibridge/")


@pytest.mark.parametrize("kind", KINDS)
async def test_every_api_route_is_documented_with_its_methods(kind: str) -> None:
    async with opened(kind, size=20) as sandbox:
        document = (await sandbox.client.get("/openapi.json")).json()
        served: dict[str, set[str]] = {}
        for route in sandbox.app.routes:
            if isinstance(route, Route) and not route.path.startswith(_UNDOCUMENTED):
                served.setdefault(route.path, set()).update(m.lower() for m in route.methods or () if m != "HEAD")
    documented = {path: set(item) - {"parameters"} for path, item in document["paths"].items()}
    assert documented == served
