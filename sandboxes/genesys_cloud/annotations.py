"""Recording annotations: list (bare array), create, get, update, delete."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .data import ConvRecording
from .errors import bad_request, not_found
from .params import json_body
from .routing import api, empty, ok
from .store import Store

__all__ = ["annotation_routes"]

_REASONS = ("Hold", "SecurePause", "FlowOrQueue", "Pause")
_TEXT_FIELDS = ("name", "type", "description")
_BASE = "/conversations/{conversationId}/recordings/{recordingId}/annotations"


def _recording(request: Request, store: Store) -> ConvRecording:
    return store.recording(request.path_params["conversationId"], request.path_params["recordingId"])


def _annotation(request: Request, store: Store) -> tuple[ConvRecording, dict[str, Any]]:
    rec = _recording(request, store)
    annotation = store.annotations(rec).get(request.path_params["annotationId"])
    if annotation is None:
        raise not_found(f"Annotation {request.path_params['annotationId']} was not found.")
    return rec, annotation


def _non_negative(body: dict[str, Any], field: str, default: int) -> int:
    value = body.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise bad_request(f"Value [{value}] is not valid for field [{field}].", "invalid.value")
    return value


def _apply(rec: ConvRecording, annotation: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Validate `body` against the recording and write its fields into `annotation`."""
    location = _non_negative(body, "location", annotation.get("location", 0))
    duration = _non_negative(body, "durationMs", annotation.get("durationMs", 0))
    if location + duration > rec.duration_ms:
        raise bad_request("The annotation lies outside the recording.", "invalid.value")
    reason = body.get("reason", annotation.get("reason"))
    if reason is not None and reason not in _REASONS:
        raise bad_request(f"Value [{reason}] is not valid for field [reason].", "invalid.value")
    for field in _TEXT_FIELDS:
        value = body.get(field, annotation.get(field))
        if value is not None and not isinstance(value, str):
            raise bad_request(f"Value [{value}] is not valid for field [{field}].", "invalid.value")
        if value is not None:
            annotation[field] = value
    annotation.update(
        {
            "location": location,
            "durationMs": duration,
            "absoluteLocation": location,
            "absoluteDurationMs": duration,
            "recordingLocation": location,
            "recordingDurationMs": duration,
            "realtimeLocation": location,
        }
    )
    if reason is not None:
        annotation["reason"] = reason
    return annotation


async def list_annotations(request: Request, store: Store) -> Response:
    return ok(list(store.annotations(_recording(request, store)).values()))


async def create_annotation(request: Request, store: Store) -> Response:
    rec = _recording(request, store)
    body = await json_body(request)
    annotation_id = str(uuid.uuid4())
    annotation = _apply(rec, {"id": annotation_id}, body)
    annotation["selfUri"] = store.annotation_uri(rec, annotation_id)
    store.annotations(rec)[annotation_id] = annotation
    return ok(annotation)


async def get_annotation(request: Request, store: Store) -> Response:
    return ok(_annotation(request, store)[1])


async def put_annotation(request: Request, store: Store) -> Response:
    rec, annotation = _annotation(request, store)
    body = await json_body(request)
    updated = _apply(rec, dict(annotation), body)
    store.annotations(rec)[annotation["id"]] = updated
    return ok(updated)


async def delete_annotation(request: Request, store: Store) -> Response:
    rec, annotation = _annotation(request, store)
    del store.annotations(rec)[annotation["id"]]
    return empty()


def annotation_routes() -> list[Route]:
    return [
        api(_BASE, list_annotations, "GET"),
        api(_BASE, create_annotation, "POST"),
        api(_BASE + "/{annotationId}", get_annotation, "GET"),
        api(_BASE + "/{annotationId}", put_annotation, "PUT"),
        api(_BASE + "/{annotationId}", delete_annotation, "DELETE"),
    ]
