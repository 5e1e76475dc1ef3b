"""Rounds, dependent levels and rate floors from request times."""

from bench.levels import dependent_levels, rate_floor_s, sequential_rounds
from bench.request_log import Call


def call(start: float, end: float, route: str = "GET /items/{id}", *, status: int = 200, key: str = "k") -> Call:
    return Call(start, end, route, status, key)


# A listing, then lookups of what it listed: three of them queued behind a limit of two connections.
LISTED_THEN_LOOKED_UP = {
    "genesys_cloud": [
        call(0.0, 1.0, "POST /query"),
        call(1.01, 2.0),
        call(1.02, 2.1),
        call(2.15, 3.0),
    ],
    "webex": [call(0.0, 1.0, "GET /list"), call(1.05, 2.0, "GET /people")],
}


def test_rounds_are_the_longest_chain_of_calls_that_never_overlap() -> None:
    assert sequential_rounds(LISTED_THEN_LOOKED_UP) == 3


def test_levels_leave_out_calls_that_only_waited_for_a_connection() -> None:
    assert dependent_levels(LISTED_THEN_LOOKED_UP) == 2


def test_token_grants_are_neither_rounds_nor_levels() -> None:
    traffic = {"genesys_cloud": [call(0.0, 1.0, "POST /oauth/token"), call(1.1, 2.0, "POST /query")]}
    assert sequential_rounds(traffic) == 1
    assert dependent_levels(traffic) == 1


def test_the_rate_floor_is_the_busiest_key_s_wait_and_ignores_429s() -> None:
    traffic = {
        "bandwidth": [call(0, 0.1, key="recordings") for _ in range(5)]
        + [call(0, 0.1, key="calls") for _ in range(2)]
        + [call(0, 0.1, key="recordings", status=429)],
        "genesys_engage": [call(0, 0.1) for _ in range(50)],
    }
    # Five calls at one a second: the fifth waits four windows. Engage states no limit.
    assert rate_floor_s(traffic, {"bandwidth": (1, 1.0)}) == 4.0
    assert rate_floor_s(traffic, {"bandwidth": (300, 60.0)}) == 0.0
