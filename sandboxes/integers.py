"""Integer query values read as the vendors' servers read them: strictly, within a fixed width.

Python's `int` takes what no vendor does (``" 5"``, ``"1_000"``, ``"٣"``) and has no upper
bound, so a sandbox parsing with it alone accepts values its vendor rejects, or crashes on
them further down (an SQL ``OFFSET`` past 64 bits).
"""

from __future__ import annotations

import re

__all__ = ["INT32_MAX", "INT64_MAX", "parse_integer"]

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
_DECIMAL = re.compile(r"[+-]?[0-9]+")


def parse_integer(raw: str, *, bits: int = 64) -> int | None:
    """`raw` as a signed `bits`-bit decimal (an optional sign, then ASCII digits), else None."""
    if not _DECIMAL.fullmatch(raw):
        return None
    value = int(raw)
    bound = 2 ** (bits - 1)
    return value if -bound <= value < bound else None
