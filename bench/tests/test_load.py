"""The load generators against a real uvicorn server: wrk (installed if missing) and the Python stand-in."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.load import ensure_wrk, load
from sandboxes.serving import serve_in_thread

BODY = b'{"query": "{ recordings { nodes { id } } }"}'


async def answer(request: Request) -> Response:
    if await request.body() != BODY:
        return Response("wrong body", status_code=400)
    return Response(b'{"data": {}}', media_type="application/json")


async def fail(_: Request) -> Response:
    return Response("down", status_code=503)


APP = Starlette(routes=[Route("/ok", answer, methods=["POST"]), Route("/down", fail, methods=["POST"])])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve_in_thread(APP) as base_url:
        yield base_url


@pytest.mark.parametrize("tool", ["wrk", "python-httpx"])
async def test_every_answer_is_counted_and_failures_apart(server: str, tool: str, tmp_path: Path) -> None:
    wrk = ensure_wrk() if tool == "wrk" else None
    assert (wrk is not None) == (tool == "wrk"), "apt-get could not install wrk"
    ok = await load(wrk, f"{server}/ok", BODY, seconds=1, connections=2, workdir=tmp_path)
    down = await load(wrk, f"{server}/down", BODY, seconds=1, connections=2, workdir=tmp_path)
    assert ok.tool == down.tool == tool
    assert ok.requests > 0 and ok.failures == 0 and ok.per_second > 0
    assert down.requests > 0 and down.failures == down.requests
