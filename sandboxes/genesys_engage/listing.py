"""``GET .../recordings?<query>``: the query, region filter, offset/limit and prevUri/nextUri.

A query needs at least one search parameter (``callerPhoneNumber``, ``dialedPhoneNumber``,
``startTime``, ``endTime``, ``userName``, ``userData``); without one GWS refuses the request
(statusCode 1 assumed) since it could match millions. Results are newest first, at most
``limit`` (default and maximum 100) from ``offset`` (0 to 2^63 - 1); a paging value that is
not an integer in its range is statusCode 10, as a ``limit`` above 100 is. ``prevUri`` and
``nextUri`` are the absolute URL of this request with every parameter kept and
``offset``/``limit`` set, present when a previous (offset > 0) or next (more matches) page
exists. The server's region is always an extra filter (region affinity).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from gateway.errors import BadInput
from gateway.store import parse_query
from gateway.store.engage import MAX_LIMIT
from sandboxes.genesys_engage.errors import EngageError
from sandboxes.genesys_engage.render import recording
from sandboxes.genesys_engage.state import engage
from sandboxes.genesys_engage.wire import api_url, json_response
from sandboxes.integers import INT64_MAX, parse_integer

__all__ = ["MAX_OFFSET", "SEARCH_PARAMETERS", "describe", "page", "search"]

# Offsets are Java longs on the server (assumed); past one, GWS answers statusCode 10.
MAX_OFFSET = INT64_MAX
SEARCH_PARAMETERS = ("callerPhoneNumber", "dialedPhoneNumber", "startTime", "endTime", "userName", "userData")


def describe(error: BadInput) -> str:
    """One statusMessage listing every problem of `error`."""
    if not error.field_errors:
        return error.message
    return f"{error.message}: " + "; ".join(f"{e.field} {e.message}" for e in error.field_errors)


def _integer(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    value = parse_integer(raw)
    if value is None or not low <= value <= high:
        raise EngageError(10, f"Parameter {name} must be an integer between {low} and {high}: {raw!r}")
    return value


def page(params: Mapping[str, str]) -> tuple[int, int]:
    """(offset, limit) of a query; statusCode 10 for a value that is not an integer in range:
    ``offset`` 0 to `MAX_OFFSET`, ``limit`` 1 to 100."""
    return _integer(params, "offset", 0, 0, MAX_OFFSET), _integer(params, "limit", MAX_LIMIT, 1, MAX_LIMIT)


def _page_uri(request: Request, offset: int, limit: int) -> str:
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("offset", "limit")]
    query = urlencode([*kept, ("offset", str(offset)), ("limit", str(limit))], safe="*")
    return str(request.url.replace(query=query))


async def search(request: Request, *, ops: bool) -> Response:
    """One page of the recordings matching the request's query, in the server's region."""
    server = engage(request)
    params = request.query_params
    try:
        query = parse_query(params)
    except BadInput as exc:
        raise EngageError(2, describe(exc)) from None
    if query.is_empty:
        raise EngageError(1, "GET /recordings requires a query parameter: " + ", ".join(SEARCH_PARAMETERS))
    offset, limit = page(params)
    query = dataclasses.replace(query, region=server.settings.region)
    found = await server.store.search(query, limit=limit + 1, offset=offset)
    api_root = api_url(request, "")
    body: dict[str, Any] = {"statusCode": 0, "recordings": [recording(d, api_root, ops=ops) for d in found[:limit]]}
    if offset > 0:
        body["prevUri"] = _page_uri(request, max(0, offset - limit), limit)
    if len(found) > limit:
        body["nextUri"] = _page_uri(request, offset + limit, limit)
    return json_response(body)
