"""The run's figures as a table (terminal and README), as JSON, and as a chart."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure as Chart
from rich.console import Console
from rich.table import Table

__all__ = ["figures", "print_table", "update_readme", "write_chart", "write_json"]

Figure = tuple[str, str, str]
README_START, README_END = "<!-- results: written by python -m bench -->", "<!-- /results -->"
_VENDORS = {"genesys_cloud": "GC", "webex": "Webex", "bandwidth": "BW", "genesys_engage": "Engage"}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"x{value:,.2f}"


def _mib(size: float) -> str:
    return f"{size / 2**20:+,.1f} MiB"


def _by_vendor(calls: Mapping[str, int]) -> str:
    return ", ".join(f"{_VENDORS.get(kind, kind)} {n}" for kind, n in calls.items())


def _errors(errors: Mapping[str, int]) -> str:
    return "; errors: " + ", ".join(f"{code} x{n}" for code, n in errors.items()) if errors else ""


def figures(results: Mapping[str, Any]) -> list[Figure]:
    """(figure, value, how it was measured) per row of the table."""
    w1, pages, burst, direct = results["w1"], results["page_sizes"], results["burst"], results["direct_rest"]
    cold = w1["cold"]
    load, w2, w3, w4, w5 = results["throughput"], results["w2"], results["w3"], results["w4"], results["w5"]
    latency = results["options"]["latency_ms"]
    w5_extent = "walked all" if w5["walked_all"] else f"stopped at the {w5['budget_s']:.0f} s budget"
    if w5["rows_missing_by_source"]:
        w5_extent += ", rows lost to errors: " + ", ".join(f"{s} {n}" for s, n in w5["rows_missing_by_source"].items())
    w5_wait = f"calls wait {w5['wait_s']:.0f} s at most for a slot" if "wait_s" in w5 else "the default waits"
    rows: list[Figure] = [
        (
            "W1 cold ÷ physical limit",
            _ratio(w1["cold_over_limit"]),
            f"cold {_ms(w1['cold_s'])} (median of {len(w1['cold_runs_s'])}); {w1['levels']} dependent levels "
            f"x {latency:.0f} ms = {_ms(w1['physical_limit_s'])}; {cold['rounds']} sequential rounds of calls",
        ),
        (
            "W1 upstream calls (cold)",
            f"{cold['total_calls']}",
            f"{_by_vendor(cold['calls'])}; {w1['rows']} rows{_errors(cold['errors'])}",
        ),
        ("W1 warm ÷ cold latency", _ratio(w1["warm_over_cold"]), f"warm {_ms(w1['warm_s'])}, cold {_ms(w1['cold_s'])}"),
        (
            "upstream calls, first = " + " / ".join(pages),
            " / ".join(str(p["total_calls"]) for p in pages.values()),
            "; ".join(f"{size}: {_by_vendor(p['calls'])}" for size, p in pages.items()),
        ),
        (
            "warm req/s: gateway ÷ plain Strawberry",
            _ratio(load["gateway_over_strawberry"]),
            f"{load['gateway']['per_second']:,.0f} vs {load['strawberry']['per_second']:,.0f} req/s ({load['tool']}, "
            f"{results['options']['connections']} connections, {results['options']['load_seconds']} s each)",
        ),
        (
            "warm req/s: gateway ÷ Starlette bytes",
            _ratio(load["gateway_over_starlette_bytes"]),
            f"{load['gateway']['per_second']:,.0f} vs {load['starlette_bytes']['per_second']:,.0f} req/s; "
            f"gateway failures {load['gateway']['failures']}, "
            f"upstream calls under load {load['gateway']['upstream_calls']}",
        ),
        (
            f"{burst['copies']} identical cold W1 at once: calls ÷ one",
            _ratio(burst["ratio"]),
            f"{burst['total_calls']} vs {burst['single_calls']} calls; all answered in {_ms(burst['seconds'])}"
            f"{_errors(burst['errors'])}",
        ),
        (
            f"W2 walk {w2['rows']:,} rows, pages of {results['options']['page']}",
            f"{w2['seconds']:.1f} s",
            f"{w2['pages']} pages, {w2['total_calls']} calls ({_by_vendor(w2['calls'])}); gateway RSS "
            f"{_mib(w2['rss_growth_bytes'])} (peak {_mib(w2['rss_peak_growth_bytes'])}); "
            f"short pages: {w2['short_pages'] or 'none'}{_errors(w2['errors'])}",
        ),
        (
            f"W3 nodes(ids:) x {w3['ids']} in one request",
            _ms(w3["nodes"]["seconds"]),
            f"{w3['nodes']['total_calls']} calls in {w3['nodes']['rounds']} sequential rounds, "
            f"{w3['nodes']['found']} found{_errors(w3['nodes']['errors'])}; as {w3['ids']} aliased node(id:): "
            + (
                f"refused ({w3['aliased']['refusal']})"
                if w3["aliased"]["refusal"]
                else f"{_ms(w3['aliased']['seconds'])}, {w3['aliased']['found']} found"
            ),
        ),
        (
            "W4 50 MB media by Range: RSS peak growth",
            _mib(w4.get("rss_peak_growth_bytes", 0)),
            f"HTTP {w4.get('status')}, {w4.get('bytes', 0) / 1e6:,.1f} MB at {w4.get('mb_per_s', 0):,.0f} MB/s"
            f"{_errors(w4.get('errors', {}))}",
        ),
        (
            "W5 paced walk under rate limits ÷ their floor",
            _ratio(w5["over_floor"]) + (" (rows lost)" if w5["rows_missing_by_source"] else ""),
            f"{w5['seconds']:.1f} s vs floor {w5['floor_s']:.1f} s for its {w5['total_calls']:,} calls "
            f"({_by_vendor(w5['calls'])}), {w5['rows']:,} rows in {w5['pages']} pages ({w5_extent}); "
            f"429s received: {w5['throttled']}; {w5_wait}"
            f"{_errors(w5['errors'])}",
        ),
        (
            "direct REST ÷ gateway (four vendors): latency",
            _ratio(direct["direct_over_gateway_s"]),
            f"direct {_ms(direct['direct_s'])} ({direct['direct_levels']} levels), gateway cold "
            f"{_ms(direct['gateway_s'])}; {direct['same_rows']} of {direct['rows']} rows the same",
        ),
        (
            "direct REST ÷ gateway (four vendors): calls",
            _ratio(direct["direct_over_gateway_calls"]),
            f"direct {direct['direct_calls']:.0f} ({_by_vendor(direct['direct_calls_by_vendor'])}), "
            f"gateway {direct['gateway_calls']:.0f}",
        ),
    ]
    return rows


def print_table(rows: list[Figure], console: Console) -> None:
    table = Table(title="Recording Gateway data path (ratios measured side by side, one run)")
    for column in ("figure", "value", "measured"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def write_json(results: Mapping[str, Any], path: Path) -> None:
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")


def _markdown(results: Mapping[str, Any], rows: list[Figure], chart: str) -> str:
    machine, options = results["machine"], results["options"]
    lines = [
        README_START,
        f"Measured {results['measured_at']} with `{results['command']}` in {results['total_s']:.0f} s: "
        f"{options['size']:,} recordings per vendor sandbox, {options['local_size']:,} in the local store, "
        f"{options['latency_ms']:.0f} ms (+0-{options['jitter_ms']:.0f} ms) vendor latency. Machine: "
        f"{machine['nproc']} CPUs ({machine['cpu']}), {machine['memory_gib']} GiB, Python {machine['python']}, "
        f"{machine['system']}; 1-minute load average {machine['load_average'][0]} before, "
        f"{machine.get('load_average_after', ['?'])[0]} after.",
        "",
        "| figure | value | measured |",
        "|---|---|---|",
        *(f"| {' | '.join(cell.replace('|', '/') for cell in row)} |" for row in rows),
        "",
        f"![latency against page size, cold and warm]({chart})",
        README_END,
    ]
    return "\n".join(lines)


def update_readme(path: Path, results: Mapping[str, Any], rows: list[Figure], chart: str) -> None:
    """Replace the results section of `path` (between its markers) with this run's."""
    text = path.read_text()
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"{path} has no results section ({README_START} ... {README_END})")
    path.write_text(pattern.sub(lambda _: _markdown(results, rows, chart), text))


def write_chart(results: Mapping[str, Any], path: Path) -> None:
    """Latency against page size (cold and warm), and W1 cold, warm and the physical limit."""
    pages, w1 = results["page_sizes"], results["w1"]
    sizes = [int(size) for size in pages]
    chart = Chart(figsize=(10, 4))
    by_size, bars = chart.subplots(1, 2)
    by_size.plot(sizes, [pages[str(s)]["cold_s"] * 1000 for s in sizes], "o-", label="cold")
    by_size.plot(sizes, [pages[str(s)]["warm_s"] * 1000 for s in sizes], "s-", label="warm")
    by_size.set(xlabel="page size (first)", ylabel="latency (ms)", title="recordings(first: n), five sources")
    by_size.set_xticks(sizes)
    by_size.legend()
    labels = ["physical limit", "cold", "warm", "direct REST\n(4 vendors)"]
    values = [w1["physical_limit_s"], w1["cold_s"], w1["warm_s"], results["direct_rest"]["direct_s"]]
    bars.bar(labels, [v * 1000 for v in values], color=["grey", "tab:blue", "tab:orange", "tab:green"])
    bars.set(ylabel="latency (ms)", title="W1: 50 rows with owner, annotations, media")
    chart.tight_layout()
    chart.savefig(path, dpi=100)
