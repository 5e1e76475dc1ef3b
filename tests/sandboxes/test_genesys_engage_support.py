"""Shared helpers of the Genesys Engage sandbox tests (no tests here)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from sandboxes.genesys_engage import connection_info, create_app
from sandboxes.genesys_engage.auth import AGENT, account
from sandboxes.genesys_engage.data import documents
from sandboxes.kit import Knobs, SandboxConfig

ANCHOR = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
BASE = "http://sandbox"
INFO = connection_info(BASE)
API = "/api/v2"
OPS = f"{API}/ops/contact-centers/{INFO['contact_center_id']}/recordings"
ADMIN_AUTH = (INFO["username"], INFO["password"])
OPS_AUTH = (INFO["ops_username"], INFO["ops_password"])
AGENT_AUTH = (account(AGENT).username, account(AGENT).password)
EXAMPLE = Path(__file__).parents[1] / "data" / "engage_s3_example.json"


def config(size: int = 300, seed: int = 11) -> SandboxConfig:
    return SandboxConfig(seed=seed, size=size, anchor=ANCHOR, knobs=Knobs())


def seeded(cfg: SandboxConfig, region: str = "us-east") -> list[dict[str, Any]]:
    """The documents the sandbox seeds itself with (before the store's merge)."""
    assert cfg.anchor is not None
    return [doc for batch in documents(cfg.seed, cfg.size, anchor=cfg.anchor, region=region) for doc in batch]


def example(region: str = "us-east", **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EXAMPLE.read_text())
    document["region"] = region
    document.update(changes)
    return document


@contextlib.asynccontextmanager
async def running(cfg: SandboxConfig | None = None, **options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A started sandbox behind an in-process client (no credentials set; it keeps cookies)."""
    app = create_app(cfg or config(), **options)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url=BASE) as client,
    ):
        yield client


def assert_error(response: httpx.Response, http_status: int, status_code: int) -> str:
    """An envelope error: only statusCode and statusMessage; returns the message."""
    assert response.status_code == http_status, response.text
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert set(body) == {"statusCode", "statusMessage"}, body
    assert body["statusCode"] == status_code
    assert isinstance(body["statusMessage"], str) and body["statusMessage"]
    message: str = body["statusMessage"]
    return message


async def csrf_token(client: httpx.AsyncClient) -> dict[str, str]:
    """The CSRF header a GET hands out (the client keeps the JSESSIONID cookie)."""
    response = await client.get(f"{API}/me", auth=OPS_AUTH)
    assert response.status_code == 200
    assert response.headers["X-CSRF-HEADER"] == "X-CSRF-TOKEN"
    return {"X-CSRF-TOKEN": response.headers["X-CSRF-TOKEN"]}


async def post(client: httpx.AsyncClient, document: Any) -> httpx.Response:
    """An OPS POST with a fresh CSRF token."""
    return await client.post(OPS, json=document, auth=OPS_AUTH, headers=await csrf_token(client))


async def delete(client: httpx.AsyncClient, recording_id: str, subresources: bool = False) -> httpx.Response:
    params = {"subresources": "*"} if subresources else {}
    return await client.delete(f"{OPS}/{recording_id}", params=params, auth=OPS_AUTH, headers=await csrf_token(client))


async def walk(client: httpx.AsyncClient, url: str, auth: tuple[str, str] = ADMIN_AUTH) -> list[dict[str, Any]]:
    """Every recording of a query, following nextUri."""
    found: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url is not None:
        response = await client.get(next_url, auth=auth)
        assert response.status_code == 200, response.text
        body = response.json()
        found += body["recordings"]
        next_url = body.get("nextUri")
    return found
