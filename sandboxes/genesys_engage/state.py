"""What every Engage handler reads: the server's settings and the store the lifespan opened."""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.requests import Request

from gateway.store import MediaRemover, RecordingStore
from sandboxes.genesys_engage.errors import EngageError
from sandboxes.world import stable_uuid

__all__ = ["CONTACT_CENTER_ID", "KIND", "VERSION", "Engage", "ServerSettings", "engage"]

KIND = "genesys_engage"
CONTACT_CENTER_ID = stable_uuid(KIND, "contact-center")
# What ``GET /api/v2/diagnostics/version`` reports (the reference's example).
VERSION = "8.5.200.50"


@dataclasses.dataclass(frozen=True)
class ServerSettings:
    """One Web Services server: its region (see region affinity) and its contact center."""

    region: str
    contact_center_id: str = CONTACT_CENTER_ID


@dataclasses.dataclass(frozen=True)
class Engage:
    """The running server: settings, the recording store and the media remover (lifespan-owned)."""

    settings: ServerSettings
    store: RecordingStore
    remover: MediaRemover

    def check_contact_center(self, contact_center_id: str) -> None:
        """NOT_FOUND (6) for an ops path naming another contact center."""
        if contact_center_id != self.settings.contact_center_id:
            raise EngageError(6, f"Contact center {contact_center_id} not found")

    async def recording(self, recording_id: str) -> dict[str, Any]:
        """The stored recording, or NOT_FOUND (6) when absent or in another region (region affinity)."""
        (document,) = await self.store.get_many([recording_id], region=self.settings.region)
        if document is None:
            raise EngageError(6, f"Recording {recording_id} not found")
        return document


def engage(request: Request) -> Engage:
    """The `Engage` the app's lifespan yielded (lifespan state ``engage``)."""
    state: Engage = request.state.engage
    return state
