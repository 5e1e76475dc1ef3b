"""Vendor sandboxes: faithful simulators of the upstream recording APIs, one package per vendor.

Each vendor package exposes ``KIND``, ``create_app(config)`` (an ASGI app) and
``connection_info(base_url)`` (what a client needs to connect); `kit` holds what they share, and
`body`, `audio`, `mp3` and `encoder` make the media files they serve.
"""

__all__: list[str] = []
