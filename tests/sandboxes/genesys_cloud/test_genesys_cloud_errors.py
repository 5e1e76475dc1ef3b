"""Genesys Cloud sandbox: OAuth, bearer checks, vendor error bodies, rate limits, faults, counters."""

from __future__ import annotations

import httpx

from sandboxes.genesys_cloud import connection_info
from tests.sandboxes.clock import FakeClock
from tests.sandboxes.genesys_cloud.genesys_support import BASE, assert_error, token_for


async def test_token_grant_is_the_vendor_shape(anon: httpx.AsyncClient) -> None:
    info = connection_info(BASE + "/")
    assert info["base_url"] == BASE
    response = await anon.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(info["client_id"], info["client_secret"])
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 86400
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert response.headers["inin-correlation-id"]


async def test_token_rejects_bad_clients(anon: httpx.AsyncClient) -> None:
    info = connection_info(BASE)
    form = {"grant_type": "client_credentials"}
    wrong_secret = await anon.post("/oauth/token", data=form, auth=(info["client_id"], "nope"))
    assert wrong_secret.status_code == 401
    assert wrong_secret.json() == {
        "error": "invalid_client",
        "description": "authentication failed",
        "error_description": "authentication failed",
    }
    unknown = await anon.post("/oauth/token", data=form, auth=("someone-else", info["client_secret"]))
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_client" and unknown.json()["description"] == "client not found"
    no_auth = await anon.post("/oauth/token", data=form)
    assert no_auth.status_code == 400 and no_auth.json()["error"] == "invalid_client"
    grant = await anon.post(
        "/oauth/token", data={"grant_type": "password"}, auth=(info["client_id"], info["client_secret"])
    )
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"


async def test_missing_bad_and_expired_tokens(anon: httpx.AsyncClient, clock: FakeClock) -> None:
    assert_error(await anon.get("/api/v2/userrecordings"), 401, "authentication.required")
    bad = await anon.get("/api/v2/userrecordings", headers={"Authorization": "Bearer not-a-token"})
    body = assert_error(bad, 401, "bad.credentials")
    assert body["message"] == "Invalid login credentials." and body["details"] == [] and body["errors"] == []
    token = await token_for(anon)
    live = await anon.get("/api/v2/userrecordings/summary", headers={"Authorization": f"Bearer {token}"})
    assert live.status_code == 200
    clock.advance(86400 + 1)
    expired = await anon.get("/api/v2/userrecordings/summary", headers={"Authorization": f"Bearer {token}"})
    assert_error(expired, 401, "bad.credentials")


async def test_unknown_ids_and_paths_are_not_found(client: httpx.AsyncClient) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    for path in (
        f"/api/v2/userrecordings/{missing}",
        f"/api/v2/conversations/{missing}/recordings",
        f"/api/v2/orphanrecordings/{missing}",
        f"/api/v2/recording/mediaretentionpolicies/{missing}",
        f"/api/v2/users/{missing}",
        f"/api/v2/recording/localkeys/settings/{missing}",
        f"/api/v2/recording/jobs/{missing}",
        "/api/v2/no/such/path",
    ):
        assert_error(await client.get(path), 404, "not.found")


async def test_page_size_over_the_maximum_is_a_bad_request(client: httpx.AsyncClient) -> None:
    for path, maximum in (
        ("/api/v2/userrecordings", 100),
        ("/api/v2/orphanrecordings", 100),
        ("/api/v2/recording/mediaretentionpolicies", 100),
        ("/api/v2/users", 500),
    ):
        assert (await client.get(path, params={"pageSize": maximum})).status_code == 200
        assert_error(await client.get(path, params={"pageSize": maximum + 1}), 400, "bad.request")
    assert_error(await client.get("/api/v2/userrecordings", params={"pageSize": "many"}), 400, "invalid.value")
    query = {"interval": "2024-05-01T00:00:00Z/2024-06-01T00:00:00Z", "paging": {"pageSize": 101}}
    assert_error(await client.post("/api/v2/analytics/conversations/details/query", json=query), 400, "bad.request")


async def test_malformed_bodies_are_rejected(client: httpx.AsyncClient) -> None:
    path = "/api/v2/recording/mediaretentionpolicies"
    assert_error(
        await client.post(path, content=b"{nope", headers={"Content-Type": "application/json"}), 400, "bad.request"
    )
    assert_error(await client.post(path, json={"enabled": True}), 400, "invalid.value")
    assert_error(await client.post(path, json={"name": "x" * 600_000}), 413, "request.entity.too.large")
    first = (await client.get("/api/v2/userrecordings")).json()["entities"][0]["id"]
    media = await client.get(f"/api/v2/userrecordings/{first}/media", params={"formatId": "AAC"})
    assert_error(media, 400, "invalid.value")


async def test_rate_limit_gives_the_vendor_429(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v2/userrecordings/summary")
    assert response.headers["inin-ratelimit-allowed"] == "300"
    assert response.headers["inin-ratelimit-count"] == "1"
    assert 0 < int(response.headers["inin-ratelimit-reset"]) <= 60
    knobs = await client.patch("/_sandbox/knobs", json={"rate_limit": {"limit": 2, "period_s": 30}})
    assert knobs.status_code == 200
    assert (await client.get("/api/v2/userrecordings/summary")).status_code == 200
    assert (await client.get("/api/v2/userrecordings/summary")).status_code == 200
    throttled = await client.get("/api/v2/userrecordings/summary")
    body = assert_error(throttled, 429, "too.many.requests.retry.after")
    retry_after = int(throttled.headers["Retry-After"])
    assert 1 <= retry_after <= 30
    assert body["message"] == f"Rate limit exceeded the maximum. Retry the request in [{retry_after}] seconds"
    assert throttled.headers["inin-ratelimit-count"] == "2"
    # The limit is per token: a second token still gets through.
    other = await token_for(client)
    assert (
        await client.get("/api/v2/userrecordings/summary", headers={"Authorization": f"Bearer {other}"})
    ).status_code == 200


async def test_injected_faults_look_like_the_vendor(client: httpx.AsyncClient) -> None:
    await client.patch("/_sandbox/knobs", json={"outage": True})
    assert_error(await client.get("/api/v2/userrecordings"), 503, "service.unavailable")
    await client.patch("/_sandbox/knobs", json={"outage": False, "error_rate": 1.0})
    assert_error(await client.get("/api/v2/userrecordings"), 500, "internal.server.error")
    await client.patch("/_sandbox/knobs", json={"error_rate": 0.0, "throttle_rate": 1.0, "retry_after_s": 0.2})
    throttled = await client.get("/api/v2/userrecordings")
    assert_error(throttled, 429, "too.many.requests.retry.after")
    assert throttled.headers["Retry-After"] == "1"
    await client.patch("/_sandbox/knobs", json={"throttle_rate": 0.0})
    assert (await client.get("/api/v2/userrecordings")).status_code == 200


async def test_counts_per_route_template(client: httpx.AsyncClient) -> None:
    await client.delete("/_sandbox/counts")
    listing = (await client.get("/api/v2/userrecordings")).json()
    for entity in listing["entities"][:3]:
        assert (await client.get(f"/api/v2/userrecordings/{entity['id']}")).status_code == 200
    await client.get("/api/v2/userrecordings/summary")
    counts = (await client.get("/_sandbox/counts")).json()
    assert counts["endpoints"] == {
        "GET /api/v2/userrecordings": 1,
        "GET /api/v2/userrecordings/{recordingId}": 3,
        "GET /api/v2/userrecordings/summary": 1,
    }
    assert counts["total"] == 5
