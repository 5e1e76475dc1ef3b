"""The OpenAPI 3 document of the simulated API (``GET /openapi.json``), built from `openapi_tables`.

Besides the operations and models it states the sandbox's limits: page sizes, ranges and
id-list lengths, required fields, the token lifetime, the media URLs' lifetime (a setting),
the request size limit and the rate limit (``token.rate.per.minute``).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..kit import RateLimit
from ..openapi import LIFETIME, integer, rate_limit, ref
from .auth import Credentials
from .openapi_tables import ENVELOPE, LISTINGS, MACROS, OPERATIONS, PRIMITIVES, RECORDING, SCHEMAS
from .params import MAX_BODY_BYTES

__all__ = ["document", "openapi_route"]

_LIST = re.compile(r"\[(?P<item>.+)\](?:\(\.\.(?P<most>\d+)\))?")
_INT = re.compile(r"int\((?P<low>-?\d*)\.\.(?P<high>-?\d*)(?:=(?P<default>-?\d+))?\)")
_MEDIA_URL = "Pre-signed, no bearer needed; lives `recordingPlaybackUrlTtl` minutes (RecordingSettings)."


def _number(text: str | None) -> int | None:
    return int(text) if text else None


def _type(spec: str) -> dict[str, Any]:
    if listed := _LIST.fullmatch(spec):
        schema = {"type": "array", "items": _type(listed["item"])}
        return schema | ({"maxItems": int(listed["most"])} if listed["most"] else {})
    if bounded := _INT.fullmatch(spec):
        low, high, default = (_number(bounded[name]) for name in ("low", "high", "default"))
        return integer(low, high, default, int_format="int32")
    if spec in PRIMITIVES:
        return dict(PRIMITIVES[spec])
    if spec in SCHEMAS or spec in LISTINGS:
        return ref(spec)
    if "/" in spec or spec.isupper():
        return {"type": "string", "enum": spec.split("/")}
    raise ValueError(f"no schema {spec!r}")


def _fields(shorthand: str) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The properties a shorthand names, and which of them are required."""
    fields, required = {}, []
    for token in shorthand.split():
        name, _, spec = token.partition(":")
        flags, name = set(name) & {"*", "!"}, name.rstrip("*!")
        fields[name] = _type(spec or "str") | ({"writeOnly": True} if "!" in flags else {})
        if "*" in flags:
            required.append(name)
    return fields, required


def _schema(shorthand: str) -> dict[str, Any]:
    properties, required = _fields(shorthand)
    return {"type": "object", "properties": properties} | ({"required": required} if required else {})


def _operation_id(method: str, path: str) -> str:
    words = [
        f"By{part[1:2].upper()}{part[2:-1]}" if part.startswith("{") else part.capitalize() for part in path.split("/")
    ]
    return method + "".join(words)


def _operation(method: str, status: str, path: str, result: str, body: str, query: str) -> dict[str, Any]:
    for macro, expansion in MACROS.items():
        query = query.replace(macro, expansion)
    parameters = [{"name": name, "in": "path", "required": True, "schema": _type("str")} for name in _path_names(path)]
    fields, required = _fields(query)
    for name, schema in fields.items():
        parameter = {"name": name, "in": "query", "required": name in required, "schema": schema}
        # Lists go comma-joined (``id=a,b``), as the SDKs send them.
        parameters.append(parameter | ({"explode": False} if schema.get("type") == "array" else {}))
    response: dict[str, Any] = {"description": "successful operation"}
    if result != "-":
        response["content"] = {"application/json": {"schema": _type(result)}}
    operation: dict[str, Any] = {
        "operationId": _operation_id(method, path.removeprefix("/api/v2")),
        "parameters": parameters,
        "security": [{"PureCloud OAuth": []}],
        "responses": {
            status: response,
            "default": {"description": "error", "content": {"application/json": {"schema": _type("ErrorBody")}}},
        },
    }
    if body != "-":
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _type(body)}}}
    if result in ("[Recording]", "Recording") and method == "get":
        operation["responses"]["202"] = {"description": "media is transcoding", "content": response["content"]}
    return operation


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _schemas(token_ttl_s: int) -> dict[str, Any]:
    schemas = {name: _schema(shorthand) for name, shorthand in SCHEMAS.items()}
    for name, entity in LISTINGS.items():
        envelope = _schema(ENVELOPE)
        envelope["properties"]["entities"] = _type(f"[{entity}]")
        schemas[name] = envelope
    schemas["MediaResult"]["properties"]["mediaUri"]["description"] = _MEDIA_URL
    schemas["DownloadResponse"]["properties"]["contentLocationUri"]["description"] = _MEDIA_URL
    expires = schemas["TokenResponse"]["properties"]["expires_in"]
    expires.update({"description": "Seconds the token lives", "example": token_ttl_s})
    return schemas


def _token_operation() -> dict[str, Any]:
    form = {"type": "object", "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]}}}
    return {
        "operationId": "postOauthToken",
        "security": [{"Basic": []}],
        "requestBody": {
            "content": {"application/x-www-form-urlencoded": {"schema": form | {"required": ["grant_type"]}}}
        },
        "responses": {
            "200": {"description": "token", "content": {"application/json": {"schema": _type("TokenResponse")}}}
        },
    }


def document(token_ttl_s: int, limit: RateLimit) -> dict[str, Any]:
    """The whole OpenAPI document: tokens living `token_ttl_s`, `limit` requests per token."""
    paths: dict[str, dict[str, Any]] = {}
    for line in OPERATIONS.replace("\\\n", " ").strip().splitlines():
        method, status, path, result, body, *query = line.split()
        path = "/api/v2" + (RECORDING + path[1:] if path.startswith("R") else path)
        paths.setdefault(path, {})[method] = _operation(method, status, path, result, body, " ".join(query))
    paths["/oauth/token"] = {"post": _token_operation()}
    oauth = {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Genesys Cloud Platform API v2 (recordings) — sandbox", "version": "v2"},
        **rate_limit(limit, "access token (token.rate.per.minute)"),
        "x-request-bytes-max": MAX_BODY_BYTES,
        "paths": paths,
        "components": {
            "schemas": _schemas(token_ttl_s),
            "securitySchemes": {
                "PureCloud OAuth": oauth | {LIFETIME: token_ttl_s},
                "Basic": {"type": "http", "scheme": "basic"},
            },
        },
    }


def openapi_route(credentials: Credentials, limit: RateLimit) -> Route:
    """``GET /openapi.json`` for a sandbox with `credentials` and the stated `limit`."""
    body = document(credentials.token_ttl_s, limit)

    async def serve(request: Request) -> Response:
        return JSONResponse(body)

    return Route("/openapi.json", serve, methods=["GET"])
