"""``python -m bench``: measure the data path in one run; print the table, write JSON, README and chart.

    python -m bench                 # full: 10,000 recordings per vendor (a few minutes)
    python -m bench --quick         # 2,000 per vendor, shorter load and W5 budget (about two minutes)

Needs Redis and PostgreSQL on loopback (``make bench`` makes sure of both, as ``make test`` does).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
import time
from pathlib import Path

from rich.console import Console

from bench.report import figures, print_table, update_readme, write_chart, write_json
from bench.run import Options, run

HERE = Path(__file__).resolve().parent
QUICK = Options(size=2_000, local_size=2_000, walk_rows=1_000, repeats=2, load_seconds=5, w5_budget_s=30, quick=True)
# Flags that override a field of `Options` (quick or not), by field name.
_OVERRIDES = {
    "size": ("--size", int, "recordings per vendor sandboxes"),
    "local_size": ("--local-size", int, "recordings in the local store"),
    "walk_rows": ("--walk", int, "recordings W2 and W5 walk"),
    "repeats": ("--repeats", int, "runs of each W1 latency (the median is reported)"),
    "load_seconds": ("--seconds", int, "seconds of load per throughput target"),
    "connections": ("--connections", int, "connections of the load generator"),
    "w5_budget_s": ("--w5-budget", float, "seconds W5 may walk before it stops"),
}


def _options(args: argparse.Namespace) -> Options:
    base = QUICK if args.quick else Options()
    chosen = {field: getattr(args, field) for field in _OVERRIDES if getattr(args, field) is not None}
    return dataclasses.replace(base, **chosen)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, shorter load: a run of about two minutes")
    for field, (flag, kind, text) in _OVERRIDES.items():
        parser.add_argument(flag, dest=field, type=kind, help=text)
    parser.add_argument("--output", type=Path, default=HERE / "results.json", help="where the JSON goes")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md and its chart as they are")
    parser.add_argument("--rewrite", action="store_true", help="measure nothing: report the JSON of --output again")
    args = parser.parse_args()
    progress, console = Console(stderr=True), Console()
    started = time.monotonic()

    def say(text: str) -> None:
        progress.log(f"[{time.monotonic() - started:5.0f} s] {text}")

    if args.rewrite:
        results = json.loads(args.output.read_text())
    else:
        results = asyncio.run(run(_options(args), say))
        results["command"] = " ".join(["python -m bench", *sys.argv[1:]])
        write_json(results, args.output)
    rows = figures(results)
    print_table(rows, console)
    if not args.no_readme:
        write_chart(results, HERE / "latency.png")
        update_readme(HERE / "README.md", results, rows, "latency.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
