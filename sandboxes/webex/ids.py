"""Webex REST ids: base64 of ``ciscospark://us/<KIND>/<uuid>`` without ``=`` padding."""

from __future__ import annotations

import base64

__all__ = ["decode_id", "encode_id"]

_PREFIX = "ciscospark://us/"


def encode_id(kind: str, raw_uuid: str) -> str:
    """The public id of a `kind` (``PEOPLE``, ``ORGANIZATION``, ``LOCATION``) entity."""
    return base64.b64encode(f"{_PREFIX}{kind}/{raw_uuid}".encode()).decode().rstrip("=")


def decode_id(kind: str, webex_id: str) -> str | None:
    """The UUID inside a public id of `kind`, or None when it is not one."""
    try:
        text = base64.b64decode(webex_id + "=" * (-len(webex_id) % 4), validate=True).decode()
    except ValueError:  # not ASCII, not base64 (binascii.Error), or not UTF-8 once decoded
        return None
    head, _, raw = text.rpartition("/")
    return raw if head == f"{_PREFIX}{kind}" and raw else None
