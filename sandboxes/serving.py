"""Run ASGI apps (sandboxes, the gateway) under a real uvicorn server on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

__all__ = ["EmbeddedServer", "free_port", "serve_in_thread", "start_server", "stop_server"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signals to its host process (several can share one loop)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="auto", ws="websockets-sansio")


async def start_server(
    app: ASGIApp, host: str = "127.0.0.1", port: int = 0
) -> tuple[EmbeddedServer, asyncio.Task[None]]:
    """Start `app` on the running loop (port 0: a free one); return once it accepts connections."""
    server = EmbeddedServer(_config(app, host, port or free_port(host)))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError(f"server on {host}:{server.config.port} stopped before it started")
        await asyncio.sleep(0.01)
    return server, task


async def stop_server(server: EmbeddedServer, task: asyncio.Task[None]) -> None:
    server.should_exit = True
    await task


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp, host: str = "127.0.0.1", port: int | None = None) -> Iterator[str]:
    """Serve `app` from a background thread for the block; yields its base URL."""
    port = port or free_port(host)
    server = EmbeddedServer(_config(app, host, port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"server on {host}:{port} did not start")
            threading.Event().wait(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
