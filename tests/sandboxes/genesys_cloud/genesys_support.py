"""Helpers shared by the Genesys Cloud sandbox tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from sandboxes.genesys_cloud import connection_info

__all__ = ["ANCHOR", "BASE", "assert_error", "token_for"]

ANCHOR = datetime(2024, 6, 1, tzinfo=UTC)
BASE = "http://sandbox"


async def token_for(client: httpx.AsyncClient) -> str:
    info = connection_info(BASE)
    response = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(info["client_id"], info["client_secret"])
    )
    assert response.status_code == 200
    token: str = response.json()["access_token"]
    return token


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is the vendor's ErrorBody with `status` and `code`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert body["contextId"] == response.headers["inin-correlation-id"]
    return body
