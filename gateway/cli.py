"""The ``recgate`` command: serve the gateway, export its schema."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from gateway.config import ConfigError, Settings

__all__ = ["main"]


def _serve(args: argparse.Namespace) -> int:
    settings = Settings.from_environ()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    host, port = args.host or settings.host, args.port or settings.port
    print(f"Recording Gateway on http://{host}:{port}/graphql (GraphiQL in a browser)", flush=True)
    uvicorn.run("gateway.app:create_app", factory=True, host=host, port=port, reload=args.reload,
                log_level=settings.log_level, ws="websockets-sansio")
    return 0


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
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except ConfigError as exc:
        print(f"recgate: configuration error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
