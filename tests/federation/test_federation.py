"""The gateway as an Apollo Federation v2 subgraph, checked with Apollo's own Node libraries.

The gateway runs under real uvicorn. Apollo's composition library (`compose.mjs`) composes the SDL
it publishes with a second subgraph, a small quality-review service (`reviews.graphql`), and Apollo
Gateway (`serve.mjs`) serves one query across both. The npm packages are pinned in
package-lock.json; `install.sh` installs them on first use.
"""

import asyncio
import contextlib
import json
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.ids import GlobalId
from sandboxes.serving import serve_in_thread
from tests.graphql import gql
from tests.store.test_recording_store import make_recording

HERE = Path(__file__).parent
REVIEWS_SDL = HERE / "reviews.graphql"
NODE_TIMEOUT = 60.0

ENTITIES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    __typename
    ... on Recording { id sourceId owner { id } }
    ... on User { id name email identities { source sourceId } }
  }
}"""

INGEST = """
mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { recording { id owner { id } } } }"""

# Asks for recordings by id, not for a listing: the PostgreSQL test database is shared.
SPANNING = """
query($reviewed: ID!, $unreviewed: ID!) {
  reviewed: recording(id: $reviewed) { ...both }
  unreviewed: recording(id: $unreviewed) { ...both }
}
fragment both on Recording { id sourceId owner { name } qaScore reviewer { id name email } }"""


@pytest.fixture(scope="session")
def node_packages() -> None:
    """Install the pinned npm packages unless node_modules already matches the lockfile."""
    done = subprocess.run(["bash", str(HERE / "install.sh")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"tests/federation/install.sh failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture
def live_gateway(settings: Settings) -> Iterator[str]:
    """The gateway under real uvicorn on loopback; yields its GraphQL endpoint."""
    with serve_in_thread(create_app(settings)) as base_url:
        yield f"{base_url}/graphql"


@pytest.fixture
async def client(live_gateway: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_gateway.removesuffix("/graphql")) as client:
        yield client


async def node(*args: str) -> tuple[int, str, str]:
    """Run a Node script of this folder; return its exit code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        "node", *args, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), NODE_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.communicate()
        raise
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def compose(tmp_path: Path, recordings_url: str, ours: str, reviews: str) -> tuple[int, dict[str, Any]]:
    """Compose our SDL with a reviews SDL through compose.mjs; return its exit code and JSON result."""
    (tmp_path / "recordings.graphql").write_text(ours)
    (tmp_path / "reviews.graphql").write_text(reviews)
    code, stdout, stderr = await node(
        "compose.mjs",
        f"recordings={recordings_url}={tmp_path / 'recordings.graphql'}",
        f"reviews=http://127.0.0.1:9/graphql={tmp_path / 'reviews.graphql'}",
    )
    assert code in (0, 1), f"compose.mjs failed ({code}):\n{stderr}"
    result: dict[str, Any] = json.loads(stdout)
    return code, result


@contextlib.asynccontextmanager
async def apollo_gateway(recordings_url: str, reviews: dict[str, Any], tmp_path: Path) -> AsyncIterator[str]:
    """Apollo Gateway over the live gateway and the reviews subgraph (serve.mjs); yields its URL.

    serve.mjs exits when its stdin closes, so closing the pipe stops it; a kill is the fallback.
    """
    reviews_file = tmp_path / "reviews.json"
    reviews_file.write_text(json.dumps(reviews))
    log = tmp_path / "serve.log"
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            "node",
            "serve.mjs",
            recordings_url,
            str(reviews_file),
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        assert process.stdin is not None and process.stdout is not None
        try:
            line = await asyncio.wait_for(process.stdout.readline(), NODE_TIMEOUT)
            if not line:
                await process.wait()
                raise AssertionError(f"serve.mjs exited with {process.returncode}:\n{log.read_text()}")
            yield json.loads(line)["gateway"]
        finally:
            process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
    assert process.returncode == 0, f"serve.mjs did not stop cleanly ({process.returncode}):\n{log.read_text()}"


async def ingest(client: httpx.AsyncClient, document: dict[str, Any]) -> tuple[str, str]:
    """Ingest a recording; return its id and its owner's id."""
    body = await gql(client, INGEST, r=document)
    assert "errors" not in body, body
    recording = body["data"]["ingestRecording"]["recording"]
    return recording["id"], recording["owner"]["id"]


async def service_sdl(client: httpx.AsyncClient) -> str:
    body = await gql(client, "{ _service { sdl } }")
    assert "errors" not in body, body
    sdl: str = body["data"]["_service"]["sdl"]
    return sdl


async def test_the_live_subgraph_publishes_its_sdl_and_resolves_entities(client, seed_recording):
    sdl = await service_sdl(client)
    assert '@link(url: "https://specs.apollo.dev/federation/v2' in sdl
    assert 'type Recording implements Node @key(fields: "id")' in sdl
    assert 'type User implements Node @key(fields: "id")' in sdl

    recording_id, owner_id = await ingest(client, seed_recording)
    missing = GlobalId("local", "Recording", "NO-SUCH-RECORDING").encode()
    reps = [
        {"__typename": "User", "id": owner_id},
        {"__typename": "Recording", "id": recording_id},
        {"__typename": "Recording", "id": missing},
    ]
    body = await gql(client, ENTITIES, reps=reps)
    user, found, not_found = body["data"]["_entities"]
    assert user == {
        "__typename": "User",
        "id": owner_id,
        "name": "Dima Pokh",
        "email": "dima.p@genesys.com",
        "identities": [{"source": "local", "sourceId": GlobalId.decode(owner_id).native_id}],
    }
    assert found == {
        "__typename": "Recording",
        "id": recording_id,
        "sourceId": "00PV5Q27MG8AB8VNE49362LAES000014",
        "owner": {"id": owner_id},
    }
    assert not_found is None
    (error,) = body["errors"]
    assert error["path"] == ["_entities", 2] and error["extensions"]["code"] == "NOT_FOUND"


async def test_apollo_composition_accepts_our_sdl_and_rejects_a_conflict(node_packages, live_gateway, client, tmp_path):
    ours = await service_sdl(client)
    reviews = REVIEWS_SDL.read_text()
    code, result = await compose(tmp_path, live_gateway, ours, reviews)
    assert code == 0 and "errors" not in result, result.get("errors")
    assert result["hints"] == []
    supergraph = result["supergraphSdl"]
    assert '@join__type(graph: RECORDINGS, key: "id")\n  @join__type(graph: REVIEWS, key: "id")' in supergraph
    assert "qaScore: Int @join__field(graph: REVIEWS)" in supergraph
    assert "sourceId: String! @join__field(graph: RECORDINGS)" in supergraph

    # The same field with another type in the second subgraph must not compose.
    conflicting = reviews.replace("  qaScore: Int\n", "  qaScore: Int\n  sourceId: Int\n")
    assert conflicting != reviews
    code, result = await compose(tmp_path, live_gateway, ours, conflicting)
    assert code == 1
    codes = {error["code"] for error in result["errors"]}
    assert "FIELD_TYPE_MISMATCH" in codes, result["errors"]
    assert any('"Recording.sourceId"' in error["message"] for error in result["errors"])


async def test_one_query_through_apollo_gateway_spans_both_subgraphs(
    node_packages, live_gateway, client, tmp_path, seed_recording
):
    reviewed, _ = await ingest(client, make_recording(1, agent=("cy@x.com", "Cy", "Ng")))
    unreviewed, reviewer = await ingest(client, seed_recording)
    # The seed's owner reviewed the other recording; the seed itself has no review.
    reviews = {reviewed: {"qaScore": 87, "reviewerId": reviewer}}

    async with apollo_gateway(live_gateway, reviews, tmp_path) as url, httpx.AsyncClient() as http:
        response = await http.post(
            url, json={"query": SPANNING, "variables": {"reviewed": reviewed, "unreviewed": unreviewed}}, timeout=30
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    assert body["data"] == {
        "reviewed": {
            "id": reviewed,
            "sourceId": "REC0001",
            "owner": {"name": "Cy Ng"},
            "qaScore": 87,
            "reviewer": {"id": reviewer, "name": "Dima Pokh", "email": "dima.p@genesys.com"},
        },
        "unreviewed": {
            "id": unreviewed,
            "sourceId": "00PV5Q27MG8AB8VNE49362LAES000014",
            "owner": {"name": "Dima Pokh"},
            "qaScore": None,
            "reviewer": None,
        },
    }
