"""Per-sandbox facts the OpenAPI-limits tests need besides the document (no tests here).

What no document says: ids of existing resources for path parameters, the extra query or
credentials a listing needs, a cheap call to spend a rate limit on, how to check each stated
lifetime, and a valid body for each operation with required fields.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx

from sandboxes import genesys_cloud, genesys_engage, webex
from tests.sandboxes.every_sandbox import BASE, Opened
from tests.sandboxes.test_genesys_engage_support import example

__all__ = ["Surroundings", "page_length", "surroundings"]

LifetimeCheck = Callable[[int], Awaitable[None]]
# (url, credentials (None: the client's), a fresh valid body) of one operation with a JSON body
Body = tuple[str, httpx.Auth | None, Callable[[], dict[str, Any]]]
_INTERVAL = "2025-02-01T00:00:00.000Z/2025-03-01T00:00:00.000Z"


@dataclasses.dataclass
class Surroundings:
    """See the module docstring; `listings` are the paths whose bounds must all be checked."""

    path_values: dict[str, str]
    listings: set[str]
    cheap: str
    query: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)
    auth: dict[str, httpx.Auth] = dataclasses.field(default_factory=dict)
    lifetimes: dict[str, LifetimeCheck] = dataclasses.field(default_factory=dict)
    bodies: dict[tuple[str, str], Body] = dataclasses.field(default_factory=dict)


def page_length(body: Any) -> int:
    """How many entries a page holds: a bare array, or the one array of its envelope."""
    if isinstance(body, list):
        return len(body)
    (entries,) = (value for value in body.values() if isinstance(value, list))
    return len(entries)


class _Bearer(httpx.Auth):
    """Another bearer token than the client's."""

    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


async def _genesys_cloud(sandbox: Opened) -> Surroundings:
    store, client = sandbox.app.state.genesys, sandbox.client
    info = genesys_cloud.connection_info(BASE)
    job = await client.post(
        "/api/v2/recording/jobs",
        json={"action": "ARCHIVE", "actionAge": 1, "conversationQuery": {"interval": _INTERVAL}},
    )
    assert job.status_code == 202
    sandbox.clock.advance(60)  # the job is READY to run
    api = "/api/v2"
    policy, settings = next(iter(store.policies)), next(iter(store.local_configs))

    async def token_lifetime(seconds: int) -> None:
        grant = await client.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=(info["client_id"], info["client_secret"])
        )
        assert grant.json()["expires_in"] == seconds
        signed = _Bearer(grant.json()["access_token"])
        sandbox.clock.advance(seconds - 1)
        assert (await client.get(f"{api}/userrecordings/summary", auth=signed)).status_code == 200
        sandbox.clock.advance(1)
        assert (await client.get(f"{api}/userrecordings/summary", auth=signed)).status_code == 401

    config = {"url": "https://keys.example.com/v2", "apiId": "stated", "apiKey": "secret"}
    return Surroundings(
        path_values={"conversationId": store.timeline[0].conversation_id},
        listings={
            f"{api}/{path}"
            for path in (
                "userrecordings",
                "orphanrecordings",
                "recording/mediaretentionpolicies",
                "recording/recordingkeys",
                "recordings/screensessions",
                "recording/jobs",
                "users",
                "conversations/{conversationId}/recordings",
            )
        },
        cheap=f"{api}/userrecordings/summary",
        query={f"{api}/conversations/{{conversationId}}/recordings": {"formatId": "NONE"}},
        lifetimes={"/components/securitySchemes/PureCloud OAuth": token_lifetime},
        bodies={
            ("POST", f"{api}/recording/mediaretentionpolicies"): (
                f"{api}/recording/mediaretentionpolicies",
                None,
                lambda: {"name": "Stated", "enabled": False},
            ),
            ("PUT", f"{api}/recording/mediaretentionpolicies/{{policyId}}"): (
                f"{api}/recording/mediaretentionpolicies/{policy}",
                None,
                lambda: {"name": "Renamed"},
            ),
            ("PUT", f"{api}/recording/recordingkeys/rotationschedule"): (
                f"{api}/recording/recordingkeys/rotationschedule",
                None,
                lambda: {"period": "MONTHLY"},
            ),
            ("POST", f"{api}/recording/localkeys"): (
                f"{api}/recording/localkeys",
                None,
                lambda: {"configId": settings, "publicKey": "cHVibGljIGtleQ==", "keypairId": "stated-keypair"},
            ),
            ("POST", f"{api}/recording/localkeys/settings"): (
                f"{api}/recording/localkeys/settings",
                None,
                lambda: dict(config),
            ),
            ("PUT", f"{api}/recording/localkeys/settings/{{settingsId}}"): (
                f"{api}/recording/localkeys/settings/{settings}",
                None,
                lambda: dict(config),
            ),
            ("POST", f"{api}/recording/jobs"): (
                f"{api}/recording/jobs",
                None,
                lambda: {"action": "DELETE", "actionAge": 30, "conversationQuery": {"interval": _INTERVAL}},
            ),
            ("PUT", f"{api}/recording/jobs/{{jobId}}"): (
                f"{api}/recording/jobs/{job.json()['id']}",
                None,
                lambda: {"state": "PROCESSING"},
            ),
            ("POST", f"{api}/analytics/conversations/details/query"): (
                f"{api}/analytics/conversations/details/query",
                None,
                lambda: {"interval": _INTERVAL},
            ),
        },
    )


async def _webex(sandbox: Opened) -> Surroundings:
    store, client = sandbox.app.state.webex.store, sandbox.client
    info = webex.connection_info(BASE)
    available = [r for r in store.recordings if r.status == "available"]
    recordings = "/v1/convergedRecordings"

    async def link_lifetime(seconds: int) -> None:
        details = (await client.get(f"{recordings}/{available[0].id}")).json()
        link = details["temporaryDirectDownloadLinks"]["audioDownloadLink"]
        sandbox.clock.advance(seconds)
        assert (await client.get(link, headers={"Range": "bytes=0-9"})).status_code == 206
        sandbox.clock.advance(1)
        assert (await client.get(link)).status_code == 410

    links = "/components/schemas/RecordingWithLinks/allOf/1/properties/temporaryDirectDownloadLinks"
    return Surroundings(
        path_values={},
        listings={"/v1/admin/convergedRecordings", recordings, "/v1/people"},
        cheap="/v1/people/me",
        query={"/v1/people": {"displayName": "A"}},
        auth={recordings: _Bearer(info["user_token"])},
        lifetimes={links: link_lifetime},
        bodies={
            ("DELETE", f"{recordings}/{{recordingId}}"): (
                f"{recordings}/{available[1].id}",
                None,
                lambda: {"reason": "audit", "comment": "stated"},
            ),
            ("POST", f"{recordings}/reassign"): (
                f"{recordings}/reassign",
                _Bearer(info["admin_token"]),
                lambda: {"recordingIds": [available[2].id], "reassignOwnerEmail": store.officer.email},
            ),
        },
    )


async def _genesys_engage(sandbox: Opened) -> Surroundings:
    info = genesys_engage.connection_info(BASE)
    ops_auth = httpx.BasicAuth(info["ops_username"], info["ops_password"])
    ops = "/api/v2/ops/contact-centers/{contactCenterId}/recordings"
    posted = example("us-east")
    return Surroundings(
        path_values=sandbox.path_values,
        listings={"/api/v2/recordings", ops},
        cheap="/api/v2/me",
        auth={ops: ops_auth},
        bodies={
            ("POST", ops): (
                ops.format(contactCenterId=info["contact_center_id"]),
                ops_auth,
                lambda: copy.deepcopy(posted),
            )
        },
    )


async def surroundings(sandbox: Opened) -> Surroundings:
    """The facts of `sandbox`'s kind."""
    if sandbox.kind == "genesys_cloud":
        return await _genesys_cloud(sandbox)
    if sandbox.kind == "webex":
        return await _webex(sandbox)
    if sandbox.kind == "genesys_engage":
        return await _genesys_engage(sandbox)
    user = "/v1/users/{userId}"
    return Surroundings(
        path_values=sandbox.path_values,
        listings={f"{user}/recordings", f"{user}/media"},
        cheap=f"/v1/users/{sandbox.path_values['userId']}/recordings",
    )
