"""`RequestLog` around a real sandbox: times, route templates, statuses and digested rate keys."""

import httpx
from asgi_lifespan import LifespanManager

from bench.request_log import RequestLog, clear_calls, fetch_calls
from sandboxes import bandwidth
from sandboxes.kit import Knobs, RateLimit, SandboxConfig

ROOT = "http://bandwidth.sandbox"


async def test_the_log_keeps_each_vendor_request_and_forgets_on_delete() -> None:
    # One request an hour per rate key: the second listing is throttled whatever the machine's speed.
    knobs = Knobs(rate_limit=RateLimit(1, 3600))
    log = RequestLog(bandwidth.create_app(SandboxConfig(size=20, knobs=knobs)))
    connection = bandwidth.connection_info(ROOT)
    auth = (connection["api_token"], connection["api_secret"])
    async with (
        LifespanManager(log),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=log), base_url=ROOT, auth=auth) as client,
    ):
        listing = f"/v1/users/{connection['user_id']}/recordings"
        statuses = [(await client.get(listing)).status_code for _ in range(2)]
        await client.get("/_sandbox/counts")
        calls = await fetch_calls(client, ROOT)
        await clear_calls(client, ROOT)
        assert await fetch_calls(client, ROOT) == []

    assert statuses == [200, 429]
    assert [(c.route, c.status) for c in calls] == [("GET /v1/users/{userId}/recordings", s) for s in statuses]
    assert all(c.start <= c.end for c in calls)
    assert calls[0].rate_key == calls[1].rate_key
    assert calls[0].rate_key is not None and connection["api_token"] not in calls[0].rate_key
