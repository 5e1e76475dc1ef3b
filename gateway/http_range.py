"""HTTP ``Range: bytes=…`` parsing (single ranges; several ranges are answered whole)."""

from __future__ import annotations

__all__ = ["parse_range"]


def parse_range(header: str, length: int) -> tuple[int, int] | None:
    """``(start, end_exclusive)`` of a single ``bytes=a-b`` range over `length` bytes.

    None when unsatisfiable (416); `ValueError` when not a single byte range (serve the whole body).
    """
    unit, _, spec = header.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        raise ValueError("unsupported range")
    first, _, last = spec.strip().partition("-")
    if not first:
        suffix = int(last)
        return (max(0, length - suffix), length) if suffix > 0 else None
    start = int(first)
    end = min(int(last) + 1, length) if last else length
    return (start, end) if start < length and start < end else None
