"""The ``recgate`` command: serve the gateway, run the vendor sandboxes, export the schema."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from gateway.config import ConfigError, Settings
from gateway.models import SourceKind

__all__ = ["main"]

_VENDOR_KINDS = [kind.value for kind in SourceKind if kind is not SourceKind.LOCAL]


def _serve(args: argparse.Namespace) -> int:
    settings = Settings.from_environ()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    host, port = args.host or settings.host, args.port or settings.port
    print(f"Recording Gateway on http://{host}:{port}/graphql (GraphiQL in a browser)", flush=True)
    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        host=host,
        port=port,
        reload=args.reload,
        log_level=settings.log_level,
        ws="websockets-sansio",
    )
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    try:  # deferred: the sandboxes are an install extra
        from sandboxes.cli import run
    except ModuleNotFoundError as exc:
        print(
            f"recgate: the vendor sandboxes are not installed ({exc.name} is missing): "
            "pip install 'recording-gateway[sandboxes]'",
            file=sys.stderr,
        )
        return 2
    return run(args)


def _export_schema(args: argparse.Namespace) -> int:
    from resolvers.schema import schema

    sdl = schema.as_str() + "\n"
    if args.output:
        Path(args.output).write_text(sdl)
    else:
        sys.stdout.write(sdl)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="recgate", description="Recording Gateway")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the gateway (GraphQL at /graphql)")
    serve.add_argument("--host", help="interface to bind (RECGATE_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (RECGATE_PORT, default 8080)")
    serve.add_argument("--reload", action="store_true", help="restart when the code changes")
    serve.set_defaults(run=_serve)
    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.add_argument("--output", "-o", help="write to this file instead of stdout")
    export.set_defaults(run=_export_schema)
    sandbox = commands.add_parser("sandbox", help="run the vendor sandboxes on loopback")
    sandbox.add_argument(
        "kinds", nargs="*", metavar="KIND", help=f"which sandboxes (default all: {', '.join(_VENDOR_KINDS)})"
    )
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port-base", type=int, default=9100, help="first port (0: free ports)")
    sandbox.add_argument("--size", type=int, default=200, help="recordings per sandbox (up to 100000)")
    sandbox.add_argument("--seed", type=int, default=0)
    sandbox.add_argument("--latency-ms", type=float, default=0.0, help="added latency per request")
    sandbox.add_argument("--no-rate-limits", action="store_true", help="lift the vendors' rate limits")
    sandbox.add_argument("--json", action="store_true", help="print one JSON object of connection details")
    sandbox.set_defaults(run=_sandbox)
    args = parser.parse_args(argv)
    unknown = set(getattr(args, "kinds", ())) - set(_VENDOR_KINDS)
    if unknown:
        parser.error(f"unknown sandbox {', '.join(sorted(unknown))}; choose from {', '.join(_VENDOR_KINDS)}")
    try:
        code: int = args.run(args)
    except ConfigError as exc:
        print(f"recgate: configuration error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
