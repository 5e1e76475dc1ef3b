"""One listing over sources with different page models and filter support, against brute force."""

from datetime import datetime, timedelta

import httpx

from gateway.store.engage import format_time
from tests.graphql import gql, nodes, placed
from tests.sources.conftest import gateway_for, running_sandbox
from tests.sources.test_bandwidth import bandwidth, vendor_listing
from tests.store.test_recording_store import make_recording


async def walk(client, first, filter) -> list[tuple[str, str]]:
    return [placed(node) for node in await nodes(client, first=first, filter=filter)]


async def test_sparse_gateway_filtered_source_merges_in_order(tmp_path):
    async with running_sandbox("bandwidth", size=80) as sandbox:
        c = sandbox.connection
        raw = await vendor_listing(sandbox)
        async with httpx.AsyncClient(auth=(c["api_token"], c["api_secret"])) as http:
            calls = {r["id"]: (await http.get(r["call"])).json() for r in raw}
        pattern = "+1415555*"
        bandwidth_matches = [
            (r["startTime"], "bw", r["id"]) for r in raw if calls[r["id"]]["from"].startswith("+1415555")
        ]
        assert 3 <= len(bandwidth_matches) < len(raw) // 2, "the sandbox's data should match sparsely"
        async with gateway_for(tmp_path, bandwidth(sandbox, page_size=3)) as client:
            # Local recordings with matching and non-matching callers, interleaved in time with Bandwidth's.
            times = sorted(datetime.fromisoformat(r["startTime"]) for r in raw)
            local_matches = []
            for index, moment in enumerate(times[::4]):
                caller = "+14155559999" if index % 2 else "+19999999999"
                recording = make_recording(index, caller=caller)
                for media in recording["mediaFiles"]:
                    media["startTime"] = format_time(moment + timedelta(milliseconds=1))
                    media["stopTime"] = format_time(moment + timedelta(minutes=1))
                await gql(
                    client,
                    "mutation($r: IngestRecordingInput!) { ingestRecording(input: $r) { created } }",
                    r=recording,
                )
                if index % 2:
                    local_matches.append((format_time(moment + timedelta(milliseconds=1)), "local", recording["id"]))
            expected = [
                (source, ident)
                for _, source, ident in sorted(
                    (
                        (datetime.fromisoformat(t.replace("+0000", "+00:00")).timestamp(), s, i)
                        for t, s, i in bandwidth_matches + local_matches
                    ),
                    reverse=True,
                )
            ]
            for first in (7, 25):
                assert await walk(client, first, {"callerNumber": pattern}) == expected
