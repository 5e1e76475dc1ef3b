"""The plain Strawberry baseline answers W1 with the very data of the gateway response it is built from."""

import json

import httpx

from bench.baselines import baseline_app
from bench.queries import W1, w1_variables

ROW = {
    "id": "UmVj",
    "sourceId": "c-1/r-1",
    "source": {"id": "genesys-cloud-sandbox"},
    "startTime": "2026-01-01T10:00:00+00:00",
    "owner": {"name": "Ann Lee", "email": "ann@example.com"},
    "annotations": [{"id": "a-1"}],
    "mediaFiles": [{"format": "WAV", "sizeBytes": 1024.0}],
}
RESPONSE = {
    "data": {
        "recordings": {
            "edges": [{"cursor": "c1", "node": ROW}, {"cursor": "c2", "node": {**ROW, "id": "UmVk", "owner": None}}],
            "pageInfo": {"endCursor": "c2", "hasNextPage": True},
        }
    }
}


async def test_strawberry_and_the_finished_bytes_answer_what_the_gateway_did() -> None:
    raw = json.dumps(RESPONSE).encode()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=baseline_app(raw)), base_url="http://baseline"
    ) as client:
        request = {"query": W1, "variables": w1_variables(50)}
        answered = (await client.post("/strawberry", json=request)).json()
        finished = (await client.post("/bytes", json=request)).content
    assert answered == RESPONSE
    assert finished == raw
