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


PAGES = """
query($first: Int, $after: String, $last: Int, $before: String, $filter: RecordingFilter, $order: RecordingOrder) {
  recordings(filter: $filter, first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    edges { node { sourceId startTime durationMs source { id } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def nodes(
    client: httpx.AsyncClient,
    *,
    first: int | None = None,
    last: int | None = None,
    filter: dict[str, Any] | None = None,
    order: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every recording in listing order: forward by `first` (endCursor) or backward by `last` (startCursor)."""
    seen: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        paging = {"first": first, "after": cursor} if last is None else {"last": last, "before": cursor}
        body = await gql(client, PAGES, filter=filter, order=order, **paging)
        assert "errors" not in body, body
        page = body["data"]["recordings"]
        found = [edge["node"] for edge in page["edges"]]
        info = page["pageInfo"]
        if last is None:
            seen += found
            cursor, more = info["endCursor"], info["hasNextPage"]
        else:
            assert len(found) == last or not info["hasPreviousPage"], "backward pages are full"
            seen = found + seen
            cursor, more = info["startCursor"], info["hasPreviousPage"]
        if not more:
            return seen
    raise AssertionError("the listing did not end")


def placed(node: dict[str, Any]) -> tuple[str, str]:
    """A listed recording as (source instance, native id)."""
    return node["source"]["id"], node["sourceId"]


async def walk(
    client: httpx.AsyncClient, first: int, filter: dict[str, Any] | None = None, order: dict[str, str] | None = None
) -> list[str]:
    """Every recording's sourceId, following endCursor page by page until hasNextPage is false."""
    return [node["sourceId"] for node in await nodes(client, first=first, filter=filter, order=order)]
