"""Paging through all five sources at once returns every recording once, in the merged order."""

from datetime import datetime

import httpx
from asgi_lifespan import LifespanManager
from starlette.datastructures import Secret

from gateway.app import create_app
from gateway.config import Settings
from tests.graphql import gql
from tests.store.test_recording_store import make_recording

LIST = """
query($first: Int, $after: String, $filter: RecordingFilter) {
  recordings(filter: $filter, first: $first, after: $after) {
    edges { node { sourceId startTime source { id } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def listing(client: httpx.AsyncClient, first: int, sources: list[str] | None = None) -> list[tuple]:
    seen, after = [], None
    while True:
        body = await gql(client, LIST, first=first, after=after, filter={"sources": sources} if sources else None)
        assert "errors" not in body, body
        page = body["data"]["recordings"]
        seen += [(datetime.fromisoformat(e["node"]["startTime"]).timestamp(), e["node"]["source"]["id"],
                  e["node"]["sourceId"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


async def test_five_sources_page_as_one(tmp_path):
    settings = Settings(data_dir=tmp_path, cursor_secret=Secret("s"), sandboxes=True, sandbox_size=40)
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=120) as manager, httpx.AsyncClient(
        transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway", timeout=60
    ) as client:
        for index in range(0, 30 * 24, 24):  # local recordings too, a month of them
            await gql(client, "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }",
                      r=make_recording(index))
        sources = [s["id"] for s in (await gql(client, "{ sources { id } }"))["data"]["sources"]]
        assert len(sources) == 5
        per_source = [item for source in sources for item in await listing(client, 100, [source])]
        brute_force = sorted(per_source, reverse=True)
        assert len({(s, i) for _, s, i in brute_force}) == len(brute_force) > 150
        for first in (7, 25, 100):
            assert await listing(client, first) == brute_force, f"pages of {first}"
