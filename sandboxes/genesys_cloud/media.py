"""Pre-signed media URLs and the route that serves them (the vendor's CDN, on our origin).

The API never streams audio: ``mediaUris[k].mediaUri`` and ``contentLocationUri`` point at
``/media/{kind}/{mediaId}.{ext}`` with the format, duration and expiry in the query, signed
with the sandbox's key. They need no bearer and expire after ``recordingPlaybackUrlTtl``
minutes; a bad or expired signature gets the storage service's 403 XML, as S3 answers.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from typing import Any
from urllib.parse import urlencode

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..body import Body, Whole, body_response
from .encoding import FORMATS, encode_whole, repeated_body
from .errors import bad_request
from .params import bool_param, csv_param
from .store import Store

__all__ = ["FORMAT_IDS", "download_name", "media_format", "media_route", "media_uris", "media_url", "output_size"]

FORMAT_IDS = (*FORMATS, "NONE")


def media_format(request: Request, default: str = "WEBM") -> str:
    """The requested ``formatId``; ``mediaFormats`` (first acceptable entry) overrides it."""
    accepted = csv_param(request, "mediaFormats")
    for name in accepted:
        if name not in FORMATS:
            raise bad_request(f"Value [{name}] is not valid for field [mediaFormats].", "invalid.value")
    if accepted:
        return accepted[0]
    value = request.query_params.get("formatId") or default
    if value not in FORMAT_IDS:
        raise bad_request(
            f"Value [{value}] is not valid for field [formatId]. Allowable values are: {', '.join(FORMAT_IDS)}",
            "invalid.value",
        )
    return value


async def output_size(store: Store, media_id: str, duration_ms: int, format_id: str) -> int:
    """The byte size of the file the media URL serves in `format_id` (``outputSizeInBytes``).

    A format encoded whole is encoded here once, as the vendor transcodes before it reports.
    """
    known = store.encoded_sizes.get((media_id, format_id, duration_ms))
    if known is not None:
        return known
    return (await _body(store, media_id, duration_ms, format_id)).length


def _signature(store: Store, payload: str) -> str:
    return hmac.new(store.media_secret, payload.encode(), hashlib.sha256).hexdigest()


def _payload(kind: str, media_id: str, query: dict[str, str]) -> str:
    return f"{kind}/{media_id}?" + urlencode(sorted(query.items()))


def media_url(
    request: Request,
    store: Store,
    *,
    kind: str,
    media_id: str,
    duration_ms: int,
    format_id: str,
    file_name: str | None = None,
) -> str:
    """An absolute pre-signed URL for the media, valid for ``recordingPlaybackUrlTtl`` minutes."""
    expires = math.ceil(store.clock()) + int(store.settings["recordingPlaybackUrlTtl"]) * 60
    query = {"format": format_id, "durationMs": str(duration_ms), "Expires": str(expires)}
    if file_name:
        query["fileName"] = file_name
    query["Signature"] = _signature(store, _payload(kind, media_id, query))
    extension = FORMATS[format_id].extension
    return f"{str(request.base_url).rstrip('/')}/media/{kind}/{media_id}.{extension}?{urlencode(query)}"


def media_uris(
    request: Request,
    store: Store,
    *,
    kind: str,
    media_id: str,
    duration_ms: int,
    format_id: str,
    file_name: str | None = None,
) -> dict[str, dict[str, Any]]:
    """A ``mediaUris`` map: one channel under ``"0"``, or empty for ``formatId=NONE``."""
    if format_id == "NONE":
        return {}
    url = media_url(
        request, store, kind=kind, media_id=media_id, duration_ms=duration_ms, format_id=format_id, file_name=file_name
    )
    return {"0": {"mediaUri": url}}


def download_name(request: Request, media_id: str, format_id: str) -> str | None:
    """The attachment name for ``download=true`` (``fileName`` or the id), else None."""
    if bool_param(request, "download") and format_id in FORMATS:
        return request.query_params.get("fileName") or f"{media_id}.{FORMATS[format_id].extension}"
    return None


def _denied(message: str) -> Response:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>{message}</Message></Error>'
    )
    return Response(body, status_code=403, media_type="application/xml")


async def _body(store: Store, media_id: str, duration_ms: int, format_id: str) -> Body:
    """The media in `format_id`; a format encoded whole is encoded once, in a thread, and cached."""
    codec = FORMATS[format_id].codec
    if codec is None:
        return repeated_body(media_id, duration_ms, format_id)
    key = (media_id, format_id, duration_ms)
    data = store.encoded.get(key)
    if data is None:
        data = await to_thread.run_sync(encode_whole, media_id, duration_ms, codec)
        store.cache_encoded(key, data)
    return Whole(data, FORMATS[format_id].content_type)


async def _serve(request: Request) -> Response:
    store: Store = request.app.state.genesys
    kind = request.path_params["kind"]
    media_id = request.path_params["name"].rsplit(".", 1)[0]
    query: dict[str, Any] = dict(request.query_params)
    signature = query.pop("Signature", "")
    if not hmac.compare_digest(signature, _signature(store, _payload(kind, media_id, query))):
        return _denied("The request signature we calculated does not match the signature you provided.")
    if int(query["Expires"]) < store.clock():
        return _denied("Request has expired")
    format_id, duration_ms = query["format"], int(query["durationMs"])
    return body_response(request, await _body(store, media_id, duration_ms, format_id), filename=query.get("fileName"))


def media_route() -> Route:
    return Route("/media/{kind}/{name}", _serve, methods=["GET"])
