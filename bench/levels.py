"""What the sandboxes' request times say about a query: rounds of calls, dependent levels, rate floors.

- **Sequential rounds**: the longest chain of calls each starting after the previous one ended
  (the most calls that never overlapped). Every round costs at least one vendor latency, so
  rounds x latency is what the query waited on upstream, queueing behind concurrency limits
  included.
- **Dependent levels**: the same chain over the *first* call of each endpoint. A call cannot
  start before what it needs (a listing, then lookups of what it listed, then lookups of
  those) has come back, so this counts the levels of that dependency and leaves out calls that
  only waited for a free connection, unless an endpoint's very first call did (it then counts
  as a level: repeated runs and taking the fewest corrects that). Levels x latency is the
  physical limit of the query.
- **Rate floor**: with a fixed window of `limit` calls per `period_s` per rate key, `n` calls on
  one key cannot finish before (ceil(n / limit) - 1) x period_s; the floor is the largest
  over the keys.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from bench.request_log import Call

__all__ = ["RateLimit", "dependent_levels", "rate_floor_s", "sequential_rounds"]

# A vendor's stated limit: (calls, seconds).
RateLimit = tuple[int, float]


def _longest_chain(calls: Iterable[Call]) -> int:
    """The most calls of `calls` that follow one another without overlapping (earliest end first)."""
    length, free_at = 0, -math.inf
    for call in sorted(calls, key=lambda c: c.end):
        if call.start >= free_at:
            length, free_at = length + 1, call.end
    return length


def _data_calls(traffic: Mapping[str, Sequence[Call]]) -> Iterable[tuple[str, Call]]:
    """Calls other than token grants (a token is fetched once per process, not per query)."""
    return ((kind, call) for kind, calls in traffic.items() for call in calls if not call.is_token_grant)


def sequential_rounds(traffic: Mapping[str, Sequence[Call]]) -> int:
    """Sequential rounds of the calls of every vendor (`traffic`: calls by vendor)."""
    return _longest_chain(call for _, call in _data_calls(traffic))


def dependent_levels(traffic: Mapping[str, Sequence[Call]]) -> int:
    """Dependent levels of the calls of every vendor (see the module docstring)."""
    first: dict[tuple[str, str], Call] = {}
    for kind, call in _data_calls(traffic):
        known = first.get((kind, call.route))
        if known is None or call.start < known.start:
            first[kind, call.route] = call
    return _longest_chain(first.values())


def rate_floor_s(traffic: Mapping[str, Sequence[Call]], limits: Mapping[str, RateLimit]) -> float:
    """Seconds the vendors' stated `limits` (by vendor) impose on making the calls of `traffic` again."""
    floor = 0.0
    for kind, calls in traffic.items():
        if kind not in limits:
            continue
        limit, period_s = limits[kind]
        per_key = Counter(call.rate_key for call in calls if call.rate_key is not None and call.status != 429)
        for count in per_key.values():
            floor = max(floor, (math.ceil(count / limit) - 1) * period_s)
    return floor
