"""Starting sandboxes on loopback, in-process and through `recgate sandbox`."""

import json
import signal
import subprocess
import sys

import httpx

from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.runner import KINDS, start_sandboxes, stop_sandboxes


async def test_started_sandboxes_answer_on_their_ports():
    running = await start_sandboxes(["webex", "bandwidth"], SandboxConfig(size=20, knobs=Knobs(rate_limits=False)))
    try:
        by_kind = {sandbox.kind: sandbox for sandbox in running}
        async with httpx.AsyncClient() as http:
            for sandbox in running:
                assert (await http.get(f"{sandbox.base_url}/_sandbox/counts")).status_code == 200
            bandwidth = by_kind["bandwidth"].connection
            response = await http.get(
                f"{bandwidth['base_url']}/v1/users/{bandwidth['user_id']}/recordings",
                auth=(bandwidth["api_token"], bandwidth["api_secret"]),
            )
            assert response.status_code == 200 and len(response.json()) == 20
    finally:
        await stop_sandboxes(running)


async def test_knobs_changed_at_run_time_belong_to_one_sandbox():
    running = await start_sandboxes(KINDS, SandboxConfig(size=5))
    try:
        async with httpx.AsyncClient() as http:
            await http.patch(f"{running[0].base_url}/_sandbox/knobs", json={"outage": True})
            for sandbox in running[1:]:
                assert (await http.get(f"{sandbox.base_url}/_sandbox/knobs")).json()["outage"] is False, sandbox.kind
    finally:
        await stop_sandboxes(running)


def test_recgate_sandbox_prints_connection_json_first():
    command = [sys.executable, "-m", "gateway.cli", "sandbox", "bandwidth", "--port-base", "0", "--size", "5", "--json"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            connection = json.loads(process.stdout.readline())["bandwidth"]
            response = httpx.get(
                f"{connection['base_url']}/v1/users/{connection['user_id']}/recordings",
                auth=(connection["api_token"], connection["api_secret"]),
            )
            assert response.status_code == 200 and len(response.json()) == 5
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
