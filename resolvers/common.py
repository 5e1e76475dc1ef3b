"""Relay building blocks shared by every GraphQL domain: Node, PageInfo, connections, context access."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, Protocol, TypeAlias, TypeVar

import strawberry

from gateway.context import Context
from gateway.cursors import query_digest
from gateway.errors import BadInput
from gateway.merge.base import DONE
from gateway.query import Page

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "Connection",
    "Edge",
    "Info",
    "Node",
    "PageInfo",
    "by_source_connection",
    "check_page_size",
]

Info: TypeAlias = strawberry.Info[Context, None]
T = TypeVar("T")

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


@strawberry.interface(description="An object with an opaque, globally unique id.")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def check_page_size(size: int, argument: str = "first") -> int:
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadInput(f"{argument} must be between 1 and {MAX_PAGE_SIZE}, got {size}")
    return size


N = TypeVar("N")


class _Named(Protocol):
    instance: str


S = TypeVar("S", bound=_Named)


async def by_source_connection(
    info: Info,
    sources: Sequence[S],
    fetch: Callable[[S, Any, int], Awaitable[Page[Any]]],
    to_node: Callable[[Any], N],
    *,
    query: Any,
    first: int,
    after: str | None,
) -> Connection[N]:
    """A connection listing each source in turn, each in its own id order (position: last id seen)."""
    check_page_size(first)
    cursors = info.context.services.cursors
    digest = query_digest(query)
    positions: dict[str, Any] = cursors.decode(after, digest) if after else {}
    edges: list[Edge[N]] = []
    for source in sources:
        if len(edges) >= first:
            break
        if positions.get(source.instance) == DONE:
            continue
        page = await fetch(source, positions.get(source.instance), first - len(edges))
        for item in page.items:
            positions[source.instance] = item.source_id
            edges.append(Edge(node=to_node(item), cursor=cursors.encode(digest, dict(positions))))
        if page.next is None:
            positions[source.instance] = DONE
            if page.items:
                edges[-1].cursor = cursors.encode(digest, dict(positions))
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=any(positions.get(s.instance) != DONE for s in sources),
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
