"""A tiny GraphQL-over-HTTP helper for tests."""

from typing import Any

import httpx


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    """POST a query; assert the HTTP layer succeeded (GraphQL errors are in the body)."""
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


_CURSORS = frozenset({"cursor", "startCursor", "endCursor"})


def without_cursors(value: Any) -> Any:
    """`value` with cursors left out: they carry their expiry, so two identical answers differ there."""
    if isinstance(value, dict):
        return {k: without_cursors(v) for k, v in value.items() if k not in _CURSORS}
    if isinstance(value, list):
        return [without_cursors(v) for v in value]
    return value


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


WALK = """
query($first: Int, $after: String, $filter: RecordingFilter, $order: RecordingOrder) {
  recordings(filter: $filter, first: $first, after: $after, orderBy: $order) {
    edges { node { sourceId } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def walk(
    client: httpx.AsyncClient, first: int, filter: dict[str, Any] | None = None, order: dict[str, str] | None = None
) -> list[str]:
    """Every recording's sourceId, following endCursor page by page until hasNextPage is false."""
    seen: list[str] = []
    after = None
    while True:
        body = await gql(client, WALK, first=first, after=after, filter=filter, order=order)
        assert "errors" not in body, body
        page = body["data"]["recordings"]
        seen += [edge["node"]["sourceId"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]
