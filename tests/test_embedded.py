"""The embedded default: no sources configured, so the gateway starts the sandboxes and uses them."""

import httpx
from asgi_lifespan import LifespanManager
from starlette.datastructures import Secret

from gateway.app import create_app
from gateway.config import Settings
from gateway.models import SourceKind
from gateway.sources.registry import has_connector
from tests.graphql import gql


async def test_serve_without_sources_starts_and_uses_the_sandboxes(tmp_path):
    settings = Settings(data_dir=tmp_path, cursor_secret=Secret("s"), sandboxes=True, sandbox_size=20)
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway", timeout=30
        ) as client,
    ):
        sources = (await gql(client, "{ sources { id kind health { status } } }"))["data"]["sources"]
        connected = [kind for kind in SourceKind if kind is not SourceKind.LOCAL and has_connector(kind)]
        assert [s["kind"] for s in sources] == ["LOCAL", *(kind.name for kind in connected)]
        assert all(s["health"]["status"] == "UP" for s in sources)
        body = await gql(client, "{ recordings(first: 50) { nodes { source { kind } } } }")
        assert "errors" not in body, body
        kinds = {n["source"]["kind"] for n in body["data"]["recordings"]["nodes"]}
        assert kinds == {kind.name for kind in connected}
