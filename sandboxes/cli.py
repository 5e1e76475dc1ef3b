"""``recgate sandbox``: run the vendor sandboxes on loopback until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal

from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.runner import KINDS, RunningSandbox, start_sandboxes, stop_sandboxes

__all__ = ["run"]


def _sandbox_toml(sandbox: RunningSandbox) -> str:
    config = sandbox.source_config
    lines = [
        f"[sources.{config.instance}]",
        f'kind = "{config.kind.value}"',
        f'base_url = "{config.base_url}"',
        f"[sources.{config.instance}.credentials]",
    ]
    lines += [f'{name} = "{value}"' for name, value in config.credentials.items()]
    return "\n".join(lines)


async def _run(args: argparse.Namespace) -> None:
    config = SandboxConfig(
        seed=args.seed, size=args.size, knobs=Knobs(latency_ms=args.latency_ms, rate_limits=not args.no_rate_limits)
    )
    running = await start_sandboxes(args.kinds or KINDS, config, host=args.host, port_base=args.port_base)
    if args.json:
        print(json.dumps({sandbox.kind: sandbox.connection for sandbox in running}), flush=True)
    else:
        for sandbox in running:
            print(f"{sandbox.kind:15} {sandbox.base_url}  (admin: {sandbox.base_url}/_sandbox/counts)")
        print("\n# Source configuration for RECGATE_CONFIG:\n")
        print("\n\n".join(_sandbox_toml(s) for s in running), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await stop_sandboxes(running)


def run(args: argparse.Namespace) -> int:
    """Serve the sandboxes `args` names (all by default) until SIGINT or SIGTERM."""
    asyncio.run(_run(args))
    return 0
