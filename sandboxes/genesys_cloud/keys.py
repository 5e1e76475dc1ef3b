"""Recording encryption: keys, key rotation schedule, local keys and local key settings."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .catalog import user_ref
from .errors import bad_request, not_found
from .listing import entity_listing, page_of
from .params import json_body
from .routing import api, ok
from .store import Store

__all__ = ["key_routes"]

_KEYS_PATH = "/api/v2/recording/recordingkeys"
_SETTINGS_PATH = "/api/v2/recording/localkeys/settings"
_PERIODS = ("DISABLED", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def _required_text(body: dict[str, Any], *fields: str) -> dict[str, str]:
    values = {}
    for field in fields:
        value = body.get(field)
        if not isinstance(value, str) or not value.strip():
            raise bad_request(f"The field [{field}] is required.", "invalid.value")
        values[field] = value
    return values


def _public(config: dict[str, Any]) -> dict[str, Any]:
    """A ``LocalEncryptionConfiguration`` as read back: the API key is write-only."""
    return {k: v for k, v in config.items() if k != "apiKey"}


async def list_keys(request: Request, store: Store) -> Response:
    page = page_of(request)
    items = sorted(store.keys.values(), key=lambda key: key["createDate"], reverse=True)
    return ok(entity_listing(items, page, _KEYS_PATH, dict))


async def create_key(request: Request, store: Store) -> Response:
    """A new native key (no body)."""
    key_id = str(uuid.uuid4())
    key = {
        "id": key_id,
        "createDate": store.stamp(),
        "keydataSummary": uuid.uuid4().hex[:24] + "==",
        "user": user_ref(store.api_user),
        "keyConfigurationType": "Native",
        "selfUri": f"{_KEYS_PATH}/{key_id}",
    }
    store.keys[key_id] = key
    return ok(key)


async def get_rotation(request: Request, store: Store) -> Response:
    return ok(store.rotation)


async def put_rotation(request: Request, store: Store) -> Response:
    body = await json_body(request)
    period = body.get("period")
    if period not in _PERIODS:
        raise bad_request(
            f"Value [{period}] is not valid for field [period]. Allowable values are: {', '.join(_PERIODS)}",
            "invalid.value",
        )
    store.rotation["period"] = period
    if isinstance(body.get("name"), str):
        store.rotation["name"] = body["name"]
    return ok(store.rotation)


async def create_local_key(request: Request, store: Store) -> Response:
    """``LocalEncryptionKeyRequest`` -> an ``EncryptionKey`` managed by the local key manager."""
    fields = _required_text(await json_body(request), "configId", "publicKey", "keypairId")
    config = store.local_configs.get(fields["configId"])
    if config is None:
        raise bad_request(f"Local key configuration {fields['configId']} does not exist.", "invalid.value")
    key: dict[str, Any] = {
        "id": fields["keypairId"],
        "createDate": store.stamp(),
        "keydataSummary": fields["publicKey"],
        "user": user_ref(store.api_user),
        "localEncryptionConfiguration": _public(config),
        "keyConfigurationType": "LocalKeyManager",
        "selfUri": f"{_KEYS_PATH}/{fields['keypairId']}",
    }
    store.keys[fields["keypairId"]] = key
    return ok(key)


async def list_local_settings(request: Request, store: Store) -> Response:
    """``LocalEncryptionConfigurationListing``: ``total``, ``entities``, ``selfUri`` (no paging)."""
    entities = [_public(config) for config in store.local_configs.values()]
    return ok({"total": len(entities), "entities": entities, "selfUri": _SETTINGS_PATH})


def _config(request: Request, store: Store) -> dict[str, Any]:
    config = store.local_configs.get(request.path_params["settingsId"])
    if config is None:
        raise not_found(f"Local encryption settings {request.path_params['settingsId']} were not found.")
    return config


async def create_local_settings(request: Request, store: Store) -> Response:
    body = await json_body(request)
    fields = _required_text(body, "url", "apiId", "apiKey")
    config_id = str(uuid.uuid4())
    config = {
        "id": config_id,
        "name": str(body.get("name") or fields["url"]),
        **fields,
        "selfUri": f"{_SETTINGS_PATH}/{config_id}",
    }
    store.local_configs[config_id] = config
    return ok(_public(config))


async def get_local_settings(request: Request, store: Store) -> Response:
    return ok(_public(_config(request, store)))


async def put_local_settings(request: Request, store: Store) -> Response:
    config = _config(request, store)
    body = await json_body(request)
    config.update(_required_text(body, "url", "apiId", "apiKey"))
    if isinstance(body.get("name"), str):
        config["name"] = body["name"]
    return ok(_public(config))


def key_routes() -> list[Route]:
    return [
        api("/recording/recordingkeys", list_keys, "GET"),
        api("/recording/recordingkeys", create_key, "POST"),
        api("/recording/recordingkeys/rotationschedule", get_rotation, "GET"),
        api("/recording/recordingkeys/rotationschedule", put_rotation, "PUT"),
        api("/recording/localkeys", create_local_key, "POST"),
        api("/recording/localkeys/settings", list_local_settings, "GET"),
        api("/recording/localkeys/settings", create_local_settings, "POST"),
        api("/recording/localkeys/settings/{settingsId}", get_local_settings, "GET"),
        api("/recording/localkeys/settings/{settingsId}", put_local_settings, "PUT"),
    ]
