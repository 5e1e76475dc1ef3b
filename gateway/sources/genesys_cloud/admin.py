"""Genesys Cloud operations with no unified meaning, for the ``genesysCloud`` GraphQL namespace.

Bodies are the vendor's JSON, passed through. Reads are cached per entity like every upstream
call; each write invalidates the entities it changes, on every replica.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import httpx

from gateway.sources.upstream import Upstream

__all__ = ["GenesysCloudAdmin", "Listing"]

Listing = dict[str, Any]  # the ``*EntityListing`` envelope: entities, pageSize, pageNumber, total, ...

_API = "/api/v2"
_POLICIES = f"{_API}/recording/mediaretentionpolicies"
_ORPHANS = f"{_API}/orphanrecordings"
_USER_RECORDINGS = f"{_API}/userrecordings"
_KEYS = f"{_API}/recording/recordingkeys"
_LOCAL_SETTINGS = f"{_API}/recording/localkeys/settings"
_RECORDING_ENTITIES = ("recording", "recording_list")


def _params(**values: Any) -> dict[str, Any]:
    """Query parameters as the SDK sends them: None left out, booleans lowercase, lists joined."""
    result: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = str(value).lower()
        elif isinstance(value, list | tuple):
            value = ",".join(map(str, value))
        result[name] = value
    return result


def _json(response: httpx.Response) -> Any:
    return response.json() if response.content.strip() else None


class GenesysCloudAdmin:
    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    async def _get(self, path: str, entity: str, **params: Any) -> Any:
        return await self.upstream.get_json(path, entity=entity, params=_params(**params))

    async def _write(
        self, method: str, path: str, invalidates: Iterable[str], *, body: Any = None, **params: Any
    ) -> httpx.Response:
        kwargs: dict[str, Any] = {"params": _params(**params)}
        if body is not None:
            kwargs["json"] = body
        try:
            return await self.upstream.request(method, path, **kwargs)
        finally:  # even a failed write may have changed something upstream
            for entity in invalidates:
                await self.upstream.invalidate(entity)

    # -- user recordings ---------------------------------------------------------------------

    async def user_recordings(self, page_size: int | None, page_number: int | None, expand: bool) -> Listing:
        listing: Listing = await self._get(
            _USER_RECORDINGS,
            "recording_list",
            pageSize=page_size,
            pageNumber=page_number,
            expand="conversation" if expand else None,
        )
        return listing

    async def user_recordings_summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = await self._get(f"{_USER_RECORDINGS}/summary", "recording_list")
        return summary

    async def update_user_recording(self, recording_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        response = await self._write(
            "PUT", f"{_USER_RECORDINGS}/{recording_id}", _RECORDING_ENTITIES, body=dict(body), expand="conversation"
        )
        result: dict[str, Any] = response.json()
        return result

    async def delete_user_recording(self, recording_id: str) -> None:
        await self._write("DELETE", f"{_USER_RECORDINGS}/{recording_id}", _RECORDING_ENTITIES)

    # -- conversation recordings -------------------------------------------------------------

    async def update_recording_retention(
        self, conversation_id: str, recording_id: str, body: Mapping[str, Any], clear_export: bool | None
    ) -> dict[str, Any]:
        """``PUT .../recordings/{id}``: only archiveDate/deleteDate (and exportDate) are acted on."""
        response = await self._write(
            "PUT",
            f"{_API}/conversations/{conversation_id}/recordings/{recording_id}",
            _RECORDING_ENTITIES,
            body=dict(body),
            clearExport=clear_export,
        )
        result: dict[str, Any] = response.json()
        return result

    async def annotation(self, conversation_id: str, recording_id: str, annotation_id: str) -> dict[str, Any]:
        path = f"{_API}/conversations/{conversation_id}/recordings/{recording_id}/annotations/{annotation_id}"
        result: dict[str, Any] = await self._get(path, "annotation")
        return result

    # -- media retention policies ------------------------------------------------------------

    async def policies(self, **filters: Any) -> Listing:
        """``pageSize``, ``pageNumber``, ``sortBy``, ``name``, ``enabled``, ``summary``, ``hasErrors``,
        ``deleteDaysThreshold``: as the vendor takes them."""
        listing: Listing = await self._get(_POLICIES, "policy", **filters)
        return listing

    async def policy(self, policy_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._get(f"{_POLICIES}/{policy_id}", "policy")
        return result

    async def create_policy(self, body: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = (await self._write("POST", _POLICIES, ["policy"], body=dict(body))).json()
        return result

    async def replace_policy(self, policy_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        response = await self._write("PUT", f"{_POLICIES}/{policy_id}", ["policy"], body=dict(body))
        result: dict[str, Any] = response.json()
        return result

    async def patch_policy(self, policy_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        response = await self._write("PATCH", f"{_POLICIES}/{policy_id}", ["policy"], body=dict(body))
        result: dict[str, Any] = response.json()
        return result

    async def delete_policy(self, policy_id: str) -> None:
        await self._write("DELETE", f"{_POLICIES}/{policy_id}", ["policy"])

    async def delete_policies(self, policy_ids: Sequence[str]) -> None:
        """Bulk delete: only the policies named in ``ids``."""
        await self._write("DELETE", _POLICIES, ["policy"], ids=list(policy_ids))

    # -- orphan recordings -------------------------------------------------------------------

    async def orphans(
        self, page_size: int | None, page_number: int | None, has_conversation: bool | None, media: str | None
    ) -> Listing:
        listing: Listing = await self._get(
            _ORPHANS,
            "recording_list",
            pageSize=page_size,
            pageNumber=page_number,
            hasConversation=has_conversation,
            media=media,
        )
        return listing

    async def orphan(self, orphan_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._get(f"{_ORPHANS}/{orphan_id}", "recording")
        return result

    async def orphan_media(
        self, orphan_id: str, format_id: str | None, download: bool | None, file_name: str | None
    ) -> tuple[int, Any]:
        """The orphan's Recording with media URLs: (200, ready) or (202, still transcoding). Not
        cached: the URLs are short-lived and the state changes as transcoding runs."""
        response = await self.upstream.request(
            "GET",
            f"{_ORPHANS}/{orphan_id}/media",
            params=_params(formatId=format_id, download=download, fileName=file_name),
        )
        return response.status_code, _json(response)

    async def delete_orphan(self, orphan_id: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = _json(
            await self._write("DELETE", f"{_ORPHANS}/{orphan_id}", _RECORDING_ENTITIES)
        )
        return result

    async def orphan_to_recording(self, orphan_id: str, body: Mapping[str, Any] | None) -> dict[str, Any]:
        """``PUT /orphanrecordings/{id}``: a regular recording of a conversation, with retention."""
        response = await self._write(
            "PUT", f"{_ORPHANS}/{orphan_id}", _RECORDING_ENTITIES, body=dict(body) if body is not None else None
        )
        result: dict[str, Any] = response.json()
        return result

    # -- encryption keys and settings --------------------------------------------------------

    async def keys(self, page_size: int | None, page_number: int | None) -> Listing:
        listing: Listing = await self._get(_KEYS, "settings", pageSize=page_size, pageNumber=page_number)
        return listing

    async def create_key(self) -> dict[str, Any]:
        result: dict[str, Any] = (await self._write("POST", _KEYS, ["settings"])).json()
        return result

    async def rotation_schedule(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._get(f"{_KEYS}/rotationschedule", "settings")
        return result

    async def update_rotation_schedule(self, body: Mapping[str, Any]) -> dict[str, Any]:
        response = await self._write("PUT", f"{_KEYS}/rotationschedule", ["settings"], body=dict(body))
        result: dict[str, Any] = response.json()
        return result

    async def create_local_key(self, body: Mapping[str, Any]) -> dict[str, Any]:
        response = await self._write("POST", f"{_API}/recording/localkeys", ["settings"], body=dict(body))
        result: dict[str, Any] = response.json()
        return result

    async def local_key_settings(self) -> Listing:
        listing: Listing = await self._get(_LOCAL_SETTINGS, "settings")
        return listing

    async def local_key_setting(self, settings_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._get(f"{_LOCAL_SETTINGS}/{settings_id}", "settings")
        return result

    async def create_local_key_settings(self, body: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = (await self._write("POST", _LOCAL_SETTINGS, ["settings"], body=dict(body))).json()
        return result

    async def update_local_key_settings(self, settings_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        response = await self._write("PUT", f"{_LOCAL_SETTINGS}/{settings_id}", ["settings"], body=dict(body))
        result: dict[str, Any] = response.json()
        return result

    async def recording_settings(self, create_default: bool | None) -> dict[str, Any]:
        result: dict[str, Any] = await self._get(f"{_API}/recording/settings", "settings", createDefault=create_default)
        return result

    async def update_recording_settings(self, body: Mapping[str, Any]) -> dict[str, Any]:
        response = await self._write("PUT", f"{_API}/recording/settings", ["settings"], body=dict(body))
        result: dict[str, Any] = response.json()
        return result

    # -- screen recording sessions -----------------------------------------------------------

    async def screen_sessions(self, page_size: int | None, page_number: int | None) -> Listing:
        listing: Listing = await self._get(
            f"{_API}/recordings/screensessions", "settings", pageSize=page_size, pageNumber=page_number
        )
        return listing

    async def update_screen_session(self, session_id: str, body: Mapping[str, Any]) -> None:
        """``PATCH``: ``{"state": "STOPPED"}`` ends the session (204)."""
        await self._write("PATCH", f"{_API}/recordings/screensessions/{session_id}", ["settings"], body=dict(body))
