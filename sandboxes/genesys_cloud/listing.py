"""The ``*EntityListing`` envelope: 1-based pages, totals and relative ``*Uri`` links."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request

from .params import int_param

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "Page", "echoed", "entity_listing", "page_of"]

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100  # of every listing but /users (assumed)


@dataclasses.dataclass(frozen=True)
class Page:
    """A requested page: `size` entities from `number` (1-based)."""

    size: int
    number: int

    def slice(self, items: Sequence[T]) -> Sequence[T]:
        start = (self.number - 1) * self.size
        return items[start : start + self.size]


def page_of(request: Request, *, maximum: int = MAX_PAGE_SIZE) -> Page:
    """``pageSize``/``pageNumber`` from the query; over `maximum` is the vendor's 400."""
    return Page(
        size=int_param(request, "pageSize", DEFAULT_PAGE_SIZE, low=1, high=maximum),
        number=int_param(request, "pageNumber", 1, low=1),
    )


def echoed(request: Request, *names: str) -> dict[str, str]:
    """The filters among `names` that the request used, to repeat in the paging links."""
    return {name: request.query_params[name] for name in names if name in request.query_params}


def _uri(path: str, page: Page, number: int, extra: Mapping[str, str]) -> str:
    query = urlencode({"pageSize": page.size, "pageNumber": number, **extra}, safe=",")
    return f"{path}?{query}"


def entity_listing(
    items: Sequence[T],
    page: Page,
    path: str,
    render: Callable[[T], dict[str, Any]],
    extra: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One page of `items` in the envelope; `extra` are the filters echoed in the links."""
    extra = extra or {}
    total = len(items)
    page_count = -(-total // page.size)
    body: dict[str, Any] = {
        "entities": [render(item) for item in page.slice(items)],
        "pageSize": page.size,
        "pageNumber": page.number,
        "total": total,
        "firstUri": _uri(path, page, 1, extra),
        "selfUri": _uri(path, page, page.number, extra),
        "lastUri": _uri(path, page, max(1, page_count), extra),
        "pageCount": page_count,
    }
    if page.number > 1:
        body["previousUri"] = _uri(path, page, min(page.number - 1, max(1, page_count)), extra)
    if page.number < page_count:
        body["nextUri"] = _uri(path, page, page.number + 1, extra)
    return body
