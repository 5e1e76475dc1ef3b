"""The Webex converged-recordings sandbox: lists, filters, paging, auth, errors and the kit knobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from sandboxes import world
from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.webex import KIND, connection_info, create_app
from sandboxes.webex.data import Store, generate

ANCHOR = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SEED, SIZE = 11, 2000
INFO = connection_info("http://sandbox")
ADMIN_LIST = "/v1/admin/convergedRecordings"
USER_LIST = "/v1/convergedRecordings"
ITEM_KEYS = {
    "id", "topic", "createTime", "timeRecorded", "ownerId", "ownerType", "ownerEmail", "format",
    "durationSeconds", "sizeBytes", "serviceType", "storageRegion", "status", "serviceData",
}  # fmt: skip
MONTH = {"from": "2025-02-01T12:00:00Z", "to": "2025-03-03T12:00:00Z"}


def _app(*, rate_limits: bool = False) -> Starlette:
    return create_app(SandboxConfig(seed=SEED, size=SIZE, anchor=ANCHOR, knobs=Knobs(rate_limits=rate_limits)))


def _auth(name: str = "token") -> dict[str, str]:
    return {"Authorization": f"Bearer {INFO[name]}"}


def _store(app: Starlette) -> Store:
    store: Store = app.state.webex.store
    return store


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


@pytest.fixture
def app() -> Starlette:
    return _app()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as http:
        yield http


def assert_webex_error(response: httpx.Response, status: int, text: str | None = None) -> dict[str, Any]:
    """The vendor's error: status, JSON content type, message, errors[].description, trackingId."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body: dict[str, Any] = response.json()
    assert set(body) == {"message", "errors", "trackingId"}
    assert body["message"] and body["errors"] == [{"description": body["message"]}]
    assert body["trackingId"].startswith("ROUTERGW_")
    assert response.headers["trackingid"] == body["trackingId"]
    if text is not None:
        assert text in body["message"]
    return body


async def walk(
    client: httpx.AsyncClient, path: str, params: dict[str, Any], headers: dict[str, str]
) -> list[dict[str, Any]]:
    """Every item of a list, following ``Link: <url>; rel="next"`` verbatim as wxc_sdk does."""
    response = await client.get(path, params=params, headers=headers)
    items: list[dict[str, Any]] = []
    while True:
        assert response.status_code == 200, response.text
        items.extend(response.json()["items"])
        if "next" not in response.links:
            return items
        url = response.links["next"]["url"]
        assert url.startswith("http://sandbox/")
        response = await client.get(url, headers=headers)


def test_module_constants() -> None:
    assert KIND == "webex"
    assert INFO["base_url"] == "http://sandbox/v1"
    assert INFO["token"] == INFO["compliance_token"]
    assert {"admin_token", "user_token", "user_write_token", "expired_token"} <= set(INFO)


async def test_admin_list_default_window_and_shape(client: httpx.AsyncClient, app: Starlette) -> None:
    response = await client.get(ADMIN_LIST, headers=_auth())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert list(body) == ["items"]
    items = body["items"]
    assert len(items) == 10
    assert "next" in response.links
    for item in items:
        assert set(item) == ITEM_KEYS
        assert item["format"] == "MP3" and item["status"] == "available"
        assert set(item["serviceData"]) == {"locationId", "callSessionId"}
        assert item["createTime"].endswith("Z") and len(item["createTime"]) == 20
        assert ANCHOR - timedelta(days=7) <= _parse(item["createTime"]) < ANCHOR + timedelta(minutes=1)
    times = [_parse(item["createTime"]) for item in items]
    assert times == sorted(times, reverse=True)
    newest = next(r for r in _store(app).recordings if r.status == "available" and r.create < ANCHOR.timestamp())
    assert items[0]["id"] == newest.id


async def test_pagination_returns_every_match_once(client: httpx.AsyncClient, app: Starlette) -> None:
    params = {**MONTH, "max": 37, "ownerType": "user", "topic": "call WITH"}
    items = await walk(client, ADMIN_LIST, params, _auth())
    start, end = (_parse(MONTH[key]).timestamp() for key in ("from", "to"))
    expected = [
        r.id
        for r in _store(app).recordings
        if start <= r.create < end and r.status == "available" and r.owner.kind == "user"
    ]
    assert len(expected) > 300
    assert [item["id"] for item in items] == expected
    assert len(set(expected)) == len(expected)
    keys = [(_parse(item["createTime"]), item["id"]) for item in items]
    assert [k[0] for k in keys] == sorted((k[0] for k in keys), reverse=True)


async def test_next_link_keeps_every_filter(client: httpx.AsyncClient) -> None:
    params = {**MONTH, "max": "5", "serviceType": "calling", "format": "MP3", "timezone": "Asia/Tokyo"}
    response = await client.get(ADMIN_LIST, params=params, headers=_auth())
    link = response.headers["link"]
    assert link.startswith("<http://sandbox/v1/admin/convergedRecordings?") and link.endswith('>; rel="next"')
    query = parse_qs(urlsplit(response.links["next"]["url"]).query)
    assert {key: values[0] for key, values in query.items() if key != "cursor"} == params
    assert query["cursor"][0]


async def test_last_page_has_no_link_and_empty_result_has_items(client: httpx.AsyncClient, app: Starlette) -> None:
    email = _store(app).user.email
    items = await walk(client, ADMIN_LIST, {**MONTH, "ownerEmail": email, "max": 100}, _auth())
    response = await client.get(ADMIN_LIST, params={**MONTH, "ownerEmail": email, "max": 100}, headers=_auth())
    assert "link" not in response.headers and len(response.json()["items"]) == len(items) > 0
    response = await client.get(ADMIN_LIST, params={"ownerEmail": "nobody@example.com"}, headers=_auth())
    assert response.status_code == 200 and response.json() == {"items": []} and "link" not in response.headers


FILTERS = [
    ("serviceType", "customerAssist", lambda item: item["serviceType"] == "customerAssist"),
    ("serviceType", "calling", lambda item: item["serviceType"] == "calling"),
    ("format", "MP3", lambda item: item["format"] == "MP3"),
    ("ownerType", "virtualLine", lambda item: item["ownerType"] == "virtualLine"),
    ("ownerType", "place", lambda item: item["ownerType"] == "place"),
    ("ownerType", "callQueue", lambda item: item["ownerType"] == "callQueue"),
    ("storageRegion", "DE", lambda item: item["storageRegion"] == "DE"),
    ("topic", "CALL WITH +1", lambda item: item["topic"].lower().startswith("call with +1")),
    ("status", "deleted", lambda item: item["status"] == "deleted"),
    ("status", "purged", lambda item: item["status"] == "purged"),
]


@pytest.mark.parametrize(("name", "value", "check"), FILTERS, ids=[f"{n}={v}" for n, v, _ in FILTERS])
async def test_filters(client: httpx.AsyncClient, name: str, value: str, check: Any) -> None:
    items = await walk(client, ADMIN_LIST, {**MONTH, "max": 100, name: value}, _auth())
    assert items and all(check(item) for item in items)


async def test_owner_and_location_filters(client: httpx.AsyncClient, app: Starlette) -> None:
    user = _store(app).user
    by_email = await walk(client, ADMIN_LIST, {**MONTH, "max": 100, "ownerEmail": user.email.upper()}, _auth())
    by_id = await walk(client, ADMIN_LIST, {**MONTH, "max": 100, "ownerId": user.uuid}, _auth())
    assert by_email and by_email == by_id and {item["ownerEmail"] for item in by_id} == {user.email}
    location = user.location.uuid
    items = await walk(client, ADMIN_LIST, {**MONTH, "max": 100, "locationId": location}, _auth())
    assert items and {item["serviceData"]["locationId"] for item in items} == {location}


async def test_admin_token_lists_too(client: httpx.AsyncClient) -> None:
    response = await client.get(ADMIN_LIST, params={"max": 3}, headers=_auth("admin_token"))
    assert response.status_code == 200 and len(response.json()["items"]) == 3


async def test_default_windows(client: httpx.AsyncClient) -> None:
    start = datetime(2025, 2, 10, tzinfo=UTC)
    for params, low, high in (
        ({"from": "2025-02-10T00:00:00Z"}, start, start + timedelta(days=7)),
        ({"to": "2025-02-10T00:00:00Z"}, start - timedelta(days=7), start),
    ):
        items = await walk(client, ADMIN_LIST, {**params, "max": 100}, _auth())
        times = [_parse(item["createTime"]) for item in items]
        assert times and all(low <= moment < high for moment in times)
        assert min(times) - low < timedelta(hours=6) and high - max(times) < timedelta(hours=6)


async def test_timezone_header_and_query_shift_timestamps(client: httpx.AsyncClient) -> None:
    utc = (await client.get(ADMIN_LIST, headers=_auth())).json()["items"]
    header = (await client.get(ADMIN_LIST, headers={**_auth(), "timezone": "Asia/Shanghai"})).json()["items"]
    query = (await client.get(ADMIN_LIST, params={"timezone": "Asia/Shanghai"}, headers=_auth())).json()["items"]
    assert header == query
    for plain, shifted in zip(utc, header, strict=True):
        for key in ("createTime", "timeRecorded"):
            assert shifted[key].endswith("+08:00") and _parse(shifted[key]) == _parse(plain[key])
    response = await client.get(ADMIN_LIST, headers={**_auth(), "timezone": "Mars/Olympus"})
    assert_webex_error(response, 400, "timezone")


async def test_naive_from_reads_in_request_timezone(client: httpx.AsyncClient) -> None:
    params = {"from": "2025-02-20T08:00:00", "to": "2025-02-21T08:00:00", "max": 100}
    items = await walk(client, ADMIN_LIST, params, {**_auth(), "timezone": "Asia/Shanghai"})
    low, high = datetime(2025, 2, 20, tzinfo=UTC), datetime(2025, 2, 21, tzinfo=UTC)
    assert items and all(low <= _parse(item["createTime"]) < high for item in items)


async def test_user_list_only_own_recordings(client: httpx.AsyncClient, app: Starlette) -> None:
    user = _store(app).user
    params = {**MONTH, "max": 100, "ownerEmail": "someone.else@example.com"}  # not a user-list parameter: ignored
    items = await walk(client, USER_LIST, params, _auth("user_token"))
    assert items and {item["ownerEmail"] for item in items} == {user.email}
    assert_webex_error(await client.get(USER_LIST, params={"status": "purged"}, headers=_auth("user_token")), 400)


REJECTIONS = [
    ({"max": "0"}, "max"),
    ({"max": "101"}, "max"),
    ({"max": "ten"}, "max"),
    ({"from": "2025-02-20T00:00:00Z", "to": "2025-02-10T00:00:00Z"}, "from cannot be after to"),
    ({"from": "2025-01-01T00:00:00Z", "to": "2025-02-01T00:00:01Z"}, "30 days"),
    ({"from": "yesterday"}, "from"),
    ({"status": "archived"}, "status"),
    ({"serviceType": "MeetingCenter"}, "serviceType"),
    ({"format": "MP4"}, "format"),
    ({"ownerType": "robot"}, "ownerType"),
    ({"storageRegion": "FR"}, "storageRegion"),
    ({"cursor": "not-a-cursor"}, "cursor"),
]


@pytest.mark.parametrize(("params", "text"), REJECTIONS, ids=[str(p) for p, _ in REJECTIONS])
async def test_list_rejections(client: httpx.AsyncClient, params: dict[str, str], text: str) -> None:
    assert_webex_error(await client.get(ADMIN_LIST, params=params, headers=_auth()), 400, text)


async def test_thirty_days_exactly_is_accepted(client: httpx.AsyncClient) -> None:
    params = {"from": "2025-01-01T00:00:00Z", "to": "2025-01-31T00:00:00Z"}
    assert (await client.get(ADMIN_LIST, params=params, headers=_auth())).status_code == 200


@pytest.mark.parametrize(
    ("headers", "path", "params", "status"),
    [
        ({}, ADMIN_LIST, {}, 401),
        ({"Authorization": "Bearer not-a-token"}, ADMIN_LIST, {}, 401),
        ({"Authorization": f"Basic {INFO['token']}"}, ADMIN_LIST, {}, 401),
        (_auth("expired_token"), ADMIN_LIST, {}, 401),
        (_auth("user_token"), ADMIN_LIST, {}, 403),
        (_auth("token"), USER_LIST, {}, 403),
        (_auth("admin_token"), ADMIN_LIST, {"status": "purged"}, 403),
        (_auth("admin_token"), "/v1/people", {"email": "a@example.com"}, 403),
    ],
)
async def test_auth_rejections(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, params: dict[str, str], status: int
) -> None:
    body = assert_webex_error(await client.get(path, params=params, headers=headers), status)
    if status == 401:
        assert body["message"] == "The request requires a valid access token set in the Authorization request header."


async def test_unknown_path_and_method_are_vendor_errors(client: httpx.AsyncClient) -> None:
    assert_webex_error(await client.get("/v1/nothing", headers=_auth()), 404)
    assert_webex_error(await client.put(ADMIN_LIST, headers=_auth()), 405)


async def test_rate_limit_per_token_with_retry_after() -> None:
    app = _app(rate_limits=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as client:
        knobs = await client.patch("/_sandbox/knobs", json={"rate_limit": {"limit": 2, "period_s": 30}})
        assert knobs.status_code == 200
        for _ in range(2):
            assert (await client.get(ADMIN_LIST, headers=_auth())).status_code == 200
        response = await client.get(ADMIN_LIST, headers=_auth())
        assert_webex_error(response, 429, "Too many requests")
        assert 1 <= int(response.headers["retry-after"]) <= 30
        assert (await client.get(ADMIN_LIST, headers=_auth("admin_token"))).status_code == 200


@pytest.mark.parametrize(
    ("knobs", "status"),
    [({"outage": True}, 503), ({"error_rate": 1.0}, 500), ({"throttle_rate": 1.0, "retry_after_s": 2}, 429)],
)
async def test_fault_knobs_are_vendor_shaped(client: httpx.AsyncClient, knobs: dict[str, Any], status: int) -> None:
    assert (await client.patch("/_sandbox/knobs", json=knobs)).status_code == 200
    response = await client.get(ADMIN_LIST, headers=_auth())
    assert_webex_error(response, status)
    if status == 429:
        assert response.headers["retry-after"] == "2"


async def test_counts_per_route_template(client: httpx.AsyncClient, app: Starlette) -> None:
    first, second = _store(app).recordings[:2]
    await client.delete("/_sandbox/counts")
    await client.get(ADMIN_LIST, headers=_auth())
    await client.get(f"{USER_LIST}/{first.id}", headers=_auth())
    await client.get(f"{USER_LIST}/{second.id}", headers=_auth())
    await client.get(f"{USER_LIST}/{second.id}/metadata", headers=_auth())
    counts = (await client.get("/_sandbox/counts")).json()
    assert counts == {
        "total": 4,
        "endpoints": {
            f"GET {ADMIN_LIST}": 1,
            f"GET {USER_LIST}/{{recordingId}}": 2,
            f"GET {USER_LIST}/{{recordingId}}/metadata": 1,
        },
        "throttled": 0,
    }


async def test_openapi_document(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {
        ADMIN_LIST,
        USER_LIST,
        f"{USER_LIST}/{{recordingId}}",
        f"{USER_LIST}/{{recordingId}}/metadata",
        f"{USER_LIST}/softDelete",
        f"{USER_LIST}/restore",
        f"{USER_LIST}/purge",
        "/v1/people",
        "/v1/people/{personId}",
    } <= set(document["paths"])
    names = {p["name"] for p in document["paths"][ADMIN_LIST]["get"]["parameters"]}
    assert {"max", "from", "to", "status", "ownerId", "ownerEmail", "locationId", "topic", "timezone"} <= names


def test_data_is_deterministic_and_overlaps_other_vendors() -> None:
    one, two = generate(SEED, 300, ANCHOR), generate(SEED, 300, ANCHOR)
    assert [r.id for r in one.recordings] == [r.id for r in two.recordings]
    assert {r.status for r in generate(SEED, SIZE, ANCHOR).recordings} == {"available", "deleted", "purged"}
    sessions = {r.call.conversation_id: r for r in one.recordings}
    shared = [c for c in world.calls(SEED, 300, "genesys_cloud", anchor=ANCHOR) if c.shared]
    assert shared and all(call.conversation_id in sessions for call in shared)
    for call in shared:
        recording = sessions[call.conversation_id]
        assert recording.owner.email == call.agent.email and recording.owner.kind == "user"


def test_generates_100k_recordings() -> None:
    """How long it takes is bench/sandbox_generation.py's figure, not a test's."""
    store = generate(0, 100_000, ANCHOR)
    assert len(store.recordings) == 100_000 and len(store.by_id) == 100_000
