"""Catapult list paging: ``page`` (0-based) and ``size`` (1..1000), bare arrays, ``Link`` headers.

The ``Link`` header carries absolute ``rel="first"`` and ``rel="next"`` URLs; the last page has
no ``next``. The python SDK splits it on ``,`` then ``;`` and follows ``rel="next"`` verbatim.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from sandboxes.bandwidth.errors import CatapultError
from sandboxes.integers import parse_integer

__all__ = ["DEFAULT_SIZE", "MAX_SIZE", "Page", "paged_response", "parse_page"]

DEFAULT_SIZE = 25
MAX_SIZE = 1000


@dataclasses.dataclass(frozen=True)
class Page:
    """One requested page of a list."""

    number: int
    size: int

    @property
    def offset(self) -> int:
        return self.number * self.size


def _integer(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    value = parse_integer(raw, bits=32)
    if value is None:
        raise CatapultError.bad_request("Bad parameters")
    return value


def parse_page(request: Request, resource: str) -> Page:
    """The requested page, or Catapult's 400 ``validation-error`` for a bad page or size."""
    number = _integer(request, "page", 0)
    size = _integer(request, "size", DEFAULT_SIZE)
    if number < 0:
        raise CatapultError.bad_request(f"The {resource} resource property page must be greater than -1")
    if size < 1:
        raise CatapultError.bad_request(f"The {resource} resource property size must be greater than 0")
    if size > MAX_SIZE:
        raise CatapultError.bad_request(f"The {resource} resource property size exceeds the limit of {MAX_SIZE}")
    return Page(number, size)


def _link(request: Request, number: int, size: int, rel: str) -> str:
    url = request.url.replace(query=f"page={number}&size={size}")
    return f'<{url}>; rel="{rel}"'


def paged_response(request: Request, page: Page, items: list[Any], has_next: bool) -> JSONResponse:
    """A bare JSON array with the ``Link`` header for `page`."""
    links = [_link(request, 0, page.size, "first")]
    if has_next:
        links.append(_link(request, page.number + 1, page.size, "next"))
    return JSONResponse(items, headers={"Link": ", ".join(links)})
