"""Genesys Cloud users, faults and OAuth (tokens shared by replicas) against the Platform API sandbox."""

import json

from gateway.cache import RedisCache, cache_key
from tests.conftest import REDIS_URL
from tests.graphql import gql
from tests.sources.conftest import Counts, gateway_for, source_config
from tests.sources.test_genesys_cloud import USERS, genesys, genesys_sandbox


async def test_users_by_search_and_by_id(tmp_path):
    async with genesys_sandbox(size=10) as sandbox, gateway_for(tmp_path, genesys(sandbox)) as client:
        body = await gql(
            client, '{ users(search: "patel", first: 100) { nodes { id name email identities { source sourceId } } } }'
        )
        found = [u for u in body["data"]["users"]["nodes"] if u["identities"][0]["source"] == "gc"]
        assert found and all("patel" in u["name"].lower() for u in found)
        assert [u["email"] for u in found] == sorted(u["email"].casefold() for u in found), "people by email"
        one = await gql(client, "query($id: ID!) { user(id: $id) { email } }", id=found[0]["id"])
        assert one["data"]["user"]["email"] == found[0]["email"]


async def test_faults_give_partial_data_naming_the_source(tmp_path, seed_recording):
    async with (
        genesys_sandbox(size=10) as sandbox,
        gateway_for(tmp_path, genesys(sandbox, retries=1, breaker_threshold=100, retry_max_wait_s=1)) as client,
    ):
        await gql(
            client, "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }", r=seed_recording
        )
        query = "{ recordings(first: 10) { nodes { source { kind } } } }"
        assert "errors" not in await gql(client, query)  # the token is fetched and kept
        counts = Counts(sandbox.base_url)
        for knobs, code in (
            ({"outage": True}, "SOURCE_UNAVAILABLE"),
            ({"error_rate": 1.0}, "SOURCE_UNAVAILABLE"),
            ({"throttle_rate": 1.0}, "SOURCE_RATE_LIMITED"),
        ):
            await counts.knobs(**{"outage": False, "error_rate": 0.0, "throttle_rate": 0.0, **knobs})
            response = await client.post("/graphql", json={"query": query}, headers={"cache-control": "no-cache"})
            body = response.json()
            assert [n["source"]["kind"] for n in body["data"]["recordings"]["nodes"]] == ["LOCAL"], knobs
            (error,) = body["errors"]
            assert error["extensions"] == {"code": code, "source": "gc"}, knobs


async def test_bad_credentials_are_an_auth_error_without_the_secret(tmp_path):
    async with genesys_sandbox(size=5) as sandbox:
        config = source_config(
            sandbox, "gc", {"client_id": sandbox.connection["client_id"], "client_secret": "not-the-secret-xyz"}
        )
        async with gateway_for(tmp_path, config) as client:
            body = await gql(client, '{ recordings(filter: {sources: ["gc"]}) { nodes { sourceId } } }')
            (error,) = body["errors"]
            assert error["extensions"] == {"code": "SOURCE_AUTH_FAILED", "source": "gc"}
            assert "not-the-secret-xyz" not in str(body)


async def test_replicas_share_the_access_token_and_responses_through_redis(tmp_path):
    async with genesys_sandbox(size=20) as sandbox:
        counts = Counts(sandbox.base_url)
        config = genesys(sandbox, token_url=f"{sandbox.base_url}/oauth/token")
        query = '{ recordings(filter: {sources: ["gc"]}, first: 5) { nodes { sourceId owner { name } } } }'
        async with (
            gateway_for(tmp_path / "a", config, redis_url=REDIS_URL) as one,
            gateway_for(tmp_path / "b", config, redis_url=REDIS_URL) as two,
        ):
            await counts.reset()
            first = await one.post("/graphql", json={"query": query}, headers={"cache-control": "no-cache"})
            assert "errors" not in first.json()
            second = await gql(two, query)
            assert second == first.json()
            served = await counts.read()
            assert served.get("POST /oauth/token", 0) <= 1, "the other replica reuses the token"
            assert served[USERS] == 1, "and the cached responses"


async def test_a_rejected_token_is_replaced_once(tmp_path):
    """A shared token the API no longer accepts (401): one new grant, the call retried, no error."""
    async with genesys_sandbox(size=5) as sandbox:
        token_url = f"{sandbox.base_url}/oauth/token"
        cache = RedisCache.from_url(REDIS_URL)
        key = cache_key("oauth", "gc", token_url, sandbox.connection["client_id"])
        await cache.set(key, json.dumps({"access_token": "revoked", "at": 0}).encode(), ttl_s=60)
        await cache.aclose()
        counts = Counts(sandbox.base_url)
        async with gateway_for(tmp_path, genesys(sandbox, token_url=token_url), redis_url=REDIS_URL) as client:
            await counts.reset()
            query = '{ genesysCloud(source: "gc") { recordingSettings } }'
            response = await client.post("/graphql", json={"query": query}, headers={"cache-control": "no-cache"})
            assert "errors" not in response.json(), response.json()
            assert (await counts.read())["POST /oauth/token"] == 1
