"""The per-app state every Webex handler reads: recordings, clock and link-signing secret."""

from __future__ import annotations

import dataclasses

from starlette.requests import Request

from sandboxes.webex.data import Store
from sandboxes.webex.times import Clock

__all__ = ["WebexState", "webex_state"]


@dataclasses.dataclass
class WebexState:
    """Everything one sandbox app owns besides the kit's knobs and counters."""

    store: Store
    clock: Clock
    # Signs the temporary download links (pre-signed, so downloads need no bearer token).
    secret: bytes


def webex_state(request: Request) -> WebexState:
    """The `WebexState` of the app serving `request`."""
    state: WebexState = request.app.state.webex
    return state
