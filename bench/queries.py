"""The GraphQL documents the bench sends."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MEDIA_LINK", "W1", "WALK", "nodes_document", "w1_variables"]

# W1: a frontend's first screen, a page of every source with each row's owner, annotations and media.
W1 = """
query W1($first: Int!, $filter: RecordingFilter) {
  recordings(first: $first, filter: $filter) {
    edges {
      cursor
      node {
        id
        sourceId
        source { id }
        startTime
        owner { name email }
        annotations { id }
        mediaFiles { format sizeBytes }
      }
    }
    pageInfo { endCursor hasNextPage }
  }
}"""

# W2 and W5: walking the merged listing page by page (ids, each row's source and start).
WALK = """
query Walk($first: Int!, $after: String) {
  recordings(first: $first, after: $after) {
    edges { node { id source { id } startTime } }
    pageInfo { endCursor hasNextPage }
  }
}"""

MEDIA_LINK = """
query Media($id: ID!) {
  node(id: $id) { ... on Recording { mediaFiles { sizeBytes download { url } } } }
}"""

_NODE_FIELDS = "id ... on Recording { sourceId startTime }"


def w1_variables(first: int, sources: Sequence[str] | None = None) -> dict[str, object]:
    return {"first": first, "filter": {"sources": list(sources)} if sources else None}


def nodes_document(ids: Sequence[str]) -> tuple[str, str]:
    """W3 two ways: one ``node(id:)`` field per id (aliases, resolved concurrently), and one ``nodes(ids:)``."""
    aliased = "\n".join(f'  n{i}: node(id: "{node_id}") {{ {_NODE_FIELDS} }}' for i, node_id in enumerate(ids))
    listed = ", ".join(f'"{node_id}"' for node_id in ids)
    return f"{{\n{aliased}\n}}", f"{{ nodes(ids: [{listed}]) {{ {_NODE_FIELDS} }} }}"
