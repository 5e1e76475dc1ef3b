"""Upstream requests per page of `recordings`, per source, forward and backward, cold and warm.

    .venv/bin/python bench/paging_costs.py [SIZE] [PAGE]      (defaults 2000, 25)

Starts the embedded setup (every vendor sandbox, `SIZE` recordings each, rate limits lifted),
syncs the metadata index once, then walks five pages of each source alone in several ways and
prints the vendor requests each page cost (from the sandboxes' counters), and how a backward
page compares with a forward one. Cold walks bypass the gateway's response cache
(``Cache-Control: no-cache``); the warm walk repeats them through it.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from starlette.datastructures import Secret

from gateway.app import create_app
from gateway.config import Settings

PAGES = 5
QUERY = """
query($first: Int, $after: String, $last: Int, $before: String, $filter: RecordingFilter, $order: RecordingOrder) {
  recordings(filter: $filter, first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    pageInfo { startCursor endCursor }
  }
}"""
WAYS = {
    "newest first": ({"field": "START_TIME", "direction": "DESC"}, "first"),
    "newest first, back": ({"field": "START_TIME", "direction": "DESC"}, "last"),
    "oldest first": ({"field": "START_TIME", "direction": "ASC"}, "first"),
    "longest first": ({"field": "DURATION", "direction": "DESC"}, "first"),
}


async def requests(http: httpx.AsyncClient, base_url: str) -> int:
    counts = (await http.get(f"{base_url}/_sandbox/counts")).json()
    await http.delete(f"{base_url}/_sandbox/counts")
    return sum(n for endpoint, n in counts["endpoints"].items() if "oauth" not in endpoint)


async def pages(
    client: httpx.AsyncClient, source: str, order: dict[str, str], size: str, page: int, *, cold: bool
) -> str | None:
    """Walks `PAGES` pages (`cold`: past the response cache); the first error's code, if any."""
    cursor = None
    for _ in range(PAGES):
        paging: dict[str, Any] = {size: page, "after" if size == "first" else "before": cursor}
        body = (
            await client.post(
                "/graphql",
                headers={"cache-control": "no-cache"} if cold else {},
                json={"query": QUERY, "variables": {"filter": {"sources": [source]}, "order": order, **paging}},
            )
        ).json()
        if body.get("errors"):
            return str(body["errors"][0]["extensions"]["code"])
        info = body["data"]["recordings"]["pageInfo"]
        cursor = info["endCursor"] if size == "first" else info["startCursor"]
        if cursor is None:
            break
    return None


async def main(size: int, page: int) -> None:
    settings = Settings(
        data_dir=Path(tempfile.mkdtemp()), cursor_secret=Secret("bench"), sandboxes=True, sandbox_size=size
    )
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=600) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway", timeout=120
        ) as client,
        httpx.AsyncClient(timeout=30) as http,
    ):
        services = manager._state["services"]
        for sandbox in services.sandboxes:
            await http.patch(f"{sandbox.base_url}/_sandbox/knobs", json={"rate_limits": False})
            await requests(http, sandbox.base_url)
        await services.index_sync.sync_once()
        print(f"{size:,} recordings per sandbox, pages of {page}; vendor requests per page (cold / warm)")
        print(f"  {'index sync':18}", end="")
        for sandbox in services.sandboxes:
            print(f"  {sandbox.kind}: {await requests(http, sandbox.base_url)}", end="")
        print()
        for sandbox in services.sandboxes:
            source = f"{sandbox.kind.replace('_', '-')}-sandbox"
            print(f"  {source}")
            forward = None
            for way, (order, size_argument) in WAYS.items():
                costs = []
                for cold in (True, False):
                    error = await pages(client, source, order, size_argument, page, cold=cold)
                    costs.append(await requests(http, sandbox.base_url) / PAGES)
                if error:
                    print(f"    {way:18} {error}")
                    continue
                forward = costs[0] if way == "newest first" else forward
                ratio = f"   x{costs[0] / forward:4.1f} of newest first" if forward and way != "newest first" else ""
                print(f"    {way:18} {costs[0]:6.1f} / {costs[1]:4.1f}{ratio}")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(arguments + [2000, 25][len(arguments) :])))
