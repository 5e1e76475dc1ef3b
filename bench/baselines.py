"""What the gateway's warm W1 is compared with: plain Strawberry serving the same 50 rows from
memory, and Starlette returning the finished bytes. Both run under uvicorn, with the gateway's
server settings, in a process of their own:

    python -m bench.baselines PORT RESPONSE_FILE

``POST /strawberry`` answers W1 from a schema of the same shape built over the rows of
RESPONSE_FILE (the gateway's own W1 response); ``POST /bytes`` returns RESPONSE_FILE as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from bench import REPOSITORY
from sandboxes.serving import free_port

__all__ = ["baseline_app", "baseline_server"]

READY_WITHIN_S = 30


@strawberry.type
class Owner:
    name: str | None
    email: str | None


@strawberry.type
class AnnotationRef:
    id: strawberry.ID


@strawberry.type
class MediaFileRow:
    format: str
    size_bytes: float | None


@strawberry.type
class SourceRef:
    id: strawberry.ID


@strawberry.type
class RecordingRow:
    id: strawberry.ID
    source_id: str
    source: SourceRef
    start_time: str | None
    owner: Owner | None
    annotations: list[AnnotationRef]
    media_files: list[MediaFileRow]


@strawberry.type
class Edge:
    cursor: str
    node: RecordingRow


@strawberry.type
class PageInfo:
    end_cursor: str | None
    has_next_page: bool


@strawberry.type
class Connection:
    edges: list[Edge]
    page_info: PageInfo


@strawberry.input
class RecordingFilter:
    sources: list[str] | None = None


def _row(node: dict[str, Any]) -> RecordingRow:
    owner = node["owner"]
    return RecordingRow(
        id=node["id"],
        source_id=node["sourceId"],
        source=SourceRef(id=node["source"]["id"]),
        start_time=node["startTime"],
        owner=Owner(name=owner["name"], email=owner["email"]) if owner else None,
        annotations=[AnnotationRef(id=a["id"]) for a in node["annotations"]],
        media_files=[MediaFileRow(format=m["format"], size_bytes=m["sizeBytes"]) for m in node["mediaFiles"]],
    )


def _connection(response: dict[str, Any]) -> Connection:
    listing = response["data"]["recordings"]
    info = listing["pageInfo"]
    return Connection(
        edges=[Edge(cursor=edge["cursor"], node=_row(edge["node"])) for edge in listing["edges"]],
        page_info=PageInfo(end_cursor=info["endCursor"], has_next_page=info["hasNextPage"]),
    )


def baseline_app(response: bytes) -> Starlette:
    connection = _connection(json.loads(response))

    @strawberry.type
    class Query:
        @strawberry.field
        def recordings(self, first: int, filter: RecordingFilter | None = None) -> Connection:
            return connection

    async def finished(_: Request) -> Response:
        return Response(response, media_type="application/json")

    async def healthz(_: Request) -> Response:
        return Response("up")

    return Starlette(
        routes=[
            Route("/strawberry", GraphQL(strawberry.Schema(query=Query)), methods=["POST"]),
            Route("/bytes", finished, methods=["POST"]),
            Route("/healthz", healthz),
        ]
    )


@contextlib.asynccontextmanager
async def baseline_server(response: bytes, workdir: Path) -> AsyncIterator[str]:
    """Serve both baselines over `response` (the gateway's W1 body); yield their base URL."""
    response_file = workdir / "w1-response.json"
    response_file.write_bytes(response)
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.baselines",
        str(port),
        str(response_file),
        cwd=REPOSITORY,
        stdout=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_WITHIN_S
        async with httpx.AsyncClient() as http:
            while True:  # poll until it answers or the deadline passes
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get(f"{base_url}/healthz")).status_code == 200:
                        break
                if process.returncode is not None or time.monotonic() > deadline:
                    raise RuntimeError("the baseline server did not start")
                await asyncio.sleep(0.1)
        yield base_url
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


if __name__ == "__main__":
    served = baseline_app(Path(sys.argv[2]).read_bytes())
    uvicorn.run(served, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
