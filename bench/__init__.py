"""The data-path benchmark (``python -m bench``), its parts, and the older single-purpose scripts."""

from pathlib import Path

__all__ = ["REPOSITORY"]

# Where `python -m ...` runs the bench's other processes from, so they import this checkout.
REPOSITORY = Path(__file__).resolve().parent.parent
