"""Odd inputs get the vendor's own 4xx, never a crash: non-ASCII ids, loose or huge integers."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from sandboxes.genesys_engage import connection_info
from tests.sandboxes.every_sandbox import BASE, KINDS, Opened, opened

_ENGAGE = connection_info(BASE)
_OPS_AUTH = httpx.BasicAuth(_ENGAGE["ops_username"], _ENGAGE["ops_password"])

# Percent-encoded path segments: UTF-8 letters, a lone byte that is no UTF-8, a NUL, a space.
_ODD_SEGMENTS = ("%C3%A9t%C3%A9", "%E2%82%AC", "%FF", "%00", "a%20b")
# Integer query values Python's int() reads and no vendor does, and values past 64 bits.
_LOOSE_INTEGERS = ("1_0", " 5", "5 ", "²", "٣", "1.5", "0x10", str(2**63), str(-(2**63) - 1), "9" * 40)
_VENDOR_TYPES = ("application/json", "application/xml")  # JSON bodies; S3's XML for Genesys Cloud media


def _assert_vendor_refusal(response: httpx.Response, what: str) -> None:
    assert 400 <= response.status_code < 500, (what, response.status_code, response.text[:200])
    assert response.headers["content-type"].startswith(_VENDOR_TYPES), (what, response.headers["content-type"])


def _fill(sandbox: Opened, template: str, odd: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: sandbox.path_values.get(m[1], odd), template)


@pytest.mark.parametrize("kind", KINDS)
async def test_non_ascii_path_parameters_get_the_vendors_4xx(kind: str) -> None:
    async with opened(kind, size=40) as sandbox:
        routes = [
            route
            for route in sandbox.app.routes
            if isinstance(route, Route) and set(route.param_convertors) - set(sandbox.path_values)
        ]
        assert routes
        for route in routes:
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                for odd in _ODD_SEGMENTS:
                    url = _fill(sandbox, route.path, odd)
                    body: dict[str, Any] | None = {} if method in ("POST", "PUT", "PATCH") else None
                    response = await sandbox.client.request(method, url, json=body)
                    _assert_vendor_refusal(response, f"{method} {url}")


async def test_webex_person_id_that_is_not_ascii_is_a_webex_404() -> None:
    async with opened("webex", size=40) as sandbox:
        for odd in ("%C3%A9t%C3%A9", "%FF"):
            response = await sandbox.client.get(f"/v1/people/{odd}")
            assert response.status_code == 404
            assert response.headers["content-type"] == "application/json;charset=UTF-8"
            body = response.json()
            assert set(body) == {"message", "errors", "trackingId"}
            assert body["trackingId"] == response.headers["trackingid"]
        listing = await sandbox.client.get("/v1/people", params={"id": "été,\u20ac"})
        assert listing.status_code == 200 and listing.json() == {"items": []}
        admin = await sandbox.client.get(
            "/v1/admin/convergedRecordings", params={"ownerId": "été", "locationId": "\u20ac"}
        )
        assert admin.status_code == 200 and admin.json() == {"items": []}


def _query_parameters(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(path, parameter) of every query parameter of every GET operation."""
    found = []
    for path, item in document["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
            if parameter["in"] == "query":
                found.append((path, parameter))
    return found


@pytest.mark.parametrize("kind", KINDS)
async def test_query_values_never_crash_and_loose_integers_are_refused(kind: str) -> None:
    async with opened(kind, size=40) as sandbox:
        document = (await sandbox.client.get("/openapi.json")).json()
        integers = 0
        for path, parameter in _query_parameters(document):
            url = _fill(sandbox, path, "x1")
            name = parameter["name"]
            for odd in ("été", "\u20ac", "\x00"):
                response = await sandbox.client.get(url, params={**sandbox.query, name: odd})
                assert response.status_code < 500, (url, name, odd, response.text[:200])
            if parameter["schema"].get("type") != "integer":
                continue
            integers += 1
            for loose in _LOOSE_INTEGERS:
                response = await sandbox.client.get(url, params={**sandbox.query, name: loose})
                if response.status_code != 401:  # the path needs an id this walk does not have
                    _assert_vendor_refusal(response, f"{url}?{name}={loose!r}")
        assert integers >= 2


@pytest.mark.parametrize("offset", [str(2**63), str(2**64), "-1", "1.5", "ten", " 5", "1_0", "٣"])
async def test_engage_offset_out_of_a_long_or_not_an_integer_is_status_code_10(offset: str) -> None:
    async with opened("genesys_engage", size=40) as sandbox:
        ops = f"/api/v2/ops/contact-centers/{sandbox.path_values['contactCenterId']}/recordings"
        for path, auth in (("/api/v2/recordings", sandbox.client.auth), (ops, _OPS_AUTH)):
            response = await sandbox.client.get(path, params={"startTime": "0", "offset": offset}, auth=auth)
            assert response.status_code == 400, response.text
            body = response.json()
            assert set(body) == {"statusCode", "statusMessage"} and body["statusCode"] == 10


async def test_engage_largest_offset_is_an_empty_page() -> None:
    async with opened("genesys_engage", size=40) as sandbox:
        response = await sandbox.client.get("/api/v2/recordings", params={"startTime": "0", "offset": str(2**63 - 1)})
        assert response.status_code == 200
        body = response.json()
        assert body["statusCode"] == 0 and body["recordings"] == [] and "nextUri" not in body
