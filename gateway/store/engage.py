"""Genesys Engage Web Services recording rules, written once.

Used by the gateway's local store and by the Genesys Engage sandbox: validation of a POSTed
recording, the merge of a re-POST into the stored one, the storage-specific identity of media
descriptors, and the search parameters of ``GET /recordings``. Documents are the Engage JSON
shapes (plain dicts); times are normalized to UTC in Engage's format
(``2013-05-17T19:45:32.000+0000``).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from gateway.errors import BadInput, FieldError

__all__ = [
    "MAX_LIMIT",
    "RecordingQuery",
    "format_time",
    "media_identity",
    "merge",
    "parse_query",
    "parse_time",
    "validate",
]

MAX_LIMIT = 100
STORAGES = ("awsS3", "webDAV")
EVENTS = ("Joined", "Left")
CONTACT_TYPES = ("External", "User")
_OPTIONAL_MEDIA_STRINGS = ("mediaId", "type", "duration", "size", "tenant", "ivrprofile", "pkcs7")
_STRING_LISTS = ("certAlias", "partitions", "accessgroups")


def parse_time(value: Any) -> datetime:
    """An ISO 8601 date-time (offsets like ``-0800`` allowed; none means UTC) or epoch ms."""
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, UTC)
    if not isinstance(value, str) or "T" not in value:
        raise ValueError("not a valid date-time")
    parsed = datetime.fromisoformat(value)
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_time(moment: datetime) -> str:
    """Engage's wire format, in UTC: ``2015-09-10T16:58:22.000+0000``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "+0000")


class _Checker:
    """Collects every field error of one document, so a client sees them all at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def text(self, obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> None:
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(f"{path}{key}", "is required")
            return
        if not isinstance(value, str) or not value:
            self.fail(f"{path}{key}", "must be a non-empty string")
        elif value != value.strip():
            self.fail(f"{path}{key}", "must not have leading or trailing spaces")

    def time(self, obj: Mapping[str, Any], key: str, path: str) -> datetime | None:
        if obj.get(key) is None:
            self.fail(f"{path}{key}", "is required")
            return None
        try:
            return parse_time(obj[key])
        except ValueError:
            self.fail(f"{path}{key}", f"is not a valid date-time: {obj[key]!r}")
            return None

    def array(self, obj: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = obj.get(key)
        if not isinstance(value, list) or not value:
            self.fail(f"{path}{key}", "must be a non-empty array")
            return []
        return value


def _check_descriptor(check: _Checker, descriptor: Any, path: str) -> None:
    if not isinstance(descriptor, dict):
        check.fail(path.rstrip("."), "is required")
        return
    if descriptor.get("storage") not in STORAGES:
        check.fail(f"{path}storage", f"must be one of {', '.join(STORAGES)}")
    check.text(descriptor, "path", path)
    check.text(descriptor, "storage_version", path, required=False)
    data = descriptor.get("data")
    if descriptor.get("storage") == "awsS3":
        if not isinstance(data, dict):
            check.fail(f"{path}data", "must contain the bucket for awsS3 storage")
        else:
            check.text(data, "bucket", f"{path}data.")
    elif data is not None and not isinstance(data, dict):
        check.fail(f"{path}data", "must be an object")


def _check_media_file(check: _Checker, media: Any, path: str) -> None:
    if not isinstance(media, dict):
        check.fail(path.rstrip("."), "must be an object")
        return
    _check_descriptor(check, media.get("mediaDescriptor"), f"{path}mediaDescriptor.")
    check.text(media, "callUUID", path)
    start, stop = check.time(media, "startTime", path), check.time(media, "stopTime", path)
    if start and stop and stop < start:
        check.fail(f"{path}stopTime", "must not be before startTime")
    for key in _OPTIONAL_MEDIA_STRINGS:
        if media.get(key) is not None and not isinstance(media[key], str):
            check.fail(f"{path}{key}", "must be a string")
    for key in (*_STRING_LISTS, "accessgroup"):
        value = media.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            check.fail(f"{path}{key}", "must be an array of strings")
    parameters = media.get("parameters")
    if parameters is not None and not isinstance(parameters, dict):
        check.fail(f"{path}parameters", "must be an object")
    for index, mask in enumerate(media.get("masks") or []):
        if not isinstance(mask, dict) or mask.get("type") not in ("paused", "resume"):
            check.fail(f"{path}masks[{index}].type", "must be paused or resume")
        else:
            check.time(mask, "time", f"{path}masks[{index}].")


def _check_event(check: _Checker, event: Any, path: str) -> None:
    if not isinstance(event, dict):
        check.fail(path.rstrip("."), "must be an object")
        return
    check.time(event, "occurredAt", path)
    if event.get("event") not in EVENTS:
        check.fail(f"{path}event", "must be Joined or Left")
    contact = event.get("contact")
    if not isinstance(contact, dict):
        check.fail(f"{path}contact", "is required")
        return
    check.text(contact, "phoneNumber", f"{path}contact.")
    if contact.get("type") not in CONTACT_TYPES:
        check.fail(f"{path}contact.type", "must be External or User")
    is_user = contact.get("type") == "User"
    for key in ("userName", "firstName", "lastName"):
        check.text(contact, key, f"{path}contact.", required=is_user)
    data = event.get("data")
    if data is not None and not (isinstance(data, dict) and all(isinstance(v, str) for v in data.values())):
        check.fail(f"{path}data", "must be an object of strings")


def validate(document: Any) -> None:
    """Raise `BadInput` listing every rule the POSTed recording breaks."""
    check = _Checker()
    if not isinstance(document, dict):
        raise BadInput("the recording must be a JSON object")
    for key in ("id", "callerPhoneNumber", "dialedPhoneNumber", "region"):
        check.text(document, key, "")
    for index, media in enumerate(check.array(document, "mediaFiles", "")):
        _check_media_file(check, media, f"mediaFiles[{index}].")
    for index, event in enumerate(check.array(document, "eventHistory", "")):
        _check_event(check, event, f"eventHistory[{index}].")
    if check.errors:
        raise BadInput(f"invalid recording: {len(check.errors)} field error(s)", check.errors)


def media_identity(descriptor: Mapping[str, Any]) -> tuple[str, ...]:
    """Storage-specific identity: awsS3 by bucket and path, webDAV by path."""
    if descriptor["storage"] == "awsS3":
        return ("awsS3", descriptor["data"]["bucket"], descriptor["path"])
    return ("webDAV", descriptor["path"])


def _event_identity(event: Mapping[str, Any]) -> tuple[str, str, str]:
    return (event["occurredAt"], event["event"], event["contact"]["phoneNumber"])


def _normalized_media(media: Mapping[str, Any], file_id: str) -> dict[str, Any]:
    result = {key: value for key, value in media.items() if key not in ("accessgroup", "mediaUri", "fileId")}
    if "accessgroup" in media and "accessgroups" not in media:
        result["accessgroups"] = media["accessgroup"]
    for key in ("startTime", "stopTime"):
        result[key] = format_time(parse_time(media[key]))
    for mask in result.get("masks") or []:
        mask["time"] = format_time(parse_time(mask["time"]))
    result["fileId"] = file_id
    return result


def _normalized_event(event: Mapping[str, Any]) -> dict[str, Any]:
    return {**event, "occurredAt": format_time(parse_time(event["occurredAt"]))}


def _file_id(recording_id: str, identity: tuple[str, ...]) -> str:
    """A media file's id: stable for the same recording and storage identity, on every server."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "\x1f".join((recording_id, *identity))))


def merge(stored: Mapping[str, Any] | None, posted: Mapping[str, Any]) -> dict[str, Any]:
    """The recording after a (re-)POST of a valid `posted` document onto `stored` (or nothing).

    Media files are replaced when a posted descriptor has the same storage identity and added
    otherwise; events likewise by (occurredAt, event, contact.phoneNumber). Each media file has
    a ``fileId`` derived from the recording id and its storage identity, and start/stop times
    are the min/max over the media files.
    """
    media_by_identity = {media_identity(m["mediaDescriptor"]): m for m in (stored or {}).get("mediaFiles", [])}
    for media in posted["mediaFiles"]:
        identity = media_identity(media["mediaDescriptor"])
        media_by_identity[identity] = _normalized_media(media, _file_id(posted["id"], identity))
    events_by_identity = {_event_identity(e): e for e in (stored or {}).get("eventHistory", [])}
    for event in posted["eventHistory"]:
        normalized = _normalized_event(event)
        events_by_identity[_event_identity(normalized)] = normalized
    media_files = list(media_by_identity.values())
    events = sorted(events_by_identity.values(), key=lambda e: e["occurredAt"])
    return {
        "id": posted["id"],
        "callerPhoneNumber": posted["callerPhoneNumber"],
        "dialedPhoneNumber": posted["dialedPhoneNumber"],
        "region": posted["region"],
        "startTime": min((m["startTime"] for m in media_files), key=parse_time),
        "stopTime": max((m["stopTime"] for m in media_files), key=parse_time),
        "mediaFiles": media_files,
        "eventHistory": events,
    }


@dataclasses.dataclass(frozen=True)
class RecordingQuery:
    """The search of ``GET /recordings``; every set criterion must hold (AND).

    Patterns keep Engage's ``*`` wildcard; `started_before` is the gateway's own (Engage has
    none). `user_terms` match a contact's userName, firstName or lastName case-insensitively: any
    term when `user_all_terms` is false, every term when the query used ``AND``.
    `user_data_terms` match any value of an event's data map.
    """

    caller: str | None = None
    dialed: str | None = None
    started_after: datetime | None = None
    started_before: datetime | None = None
    ended_before: datetime | None = None
    user_terms: tuple[str, ...] = ()
    user_all_terms: bool = False
    user_data_terms: tuple[str, ...] = ()
    region: str | None = None

    @property
    def is_empty(self) -> bool:
        return self == RecordingQuery(region=self.region)


def _user_terms(value: str) -> tuple[tuple[str, ...], bool]:
    words = value.split()
    all_terms = "AND" in words
    return tuple(word for word in words if word != "AND"), all_terms


def parse_query(params: Mapping[str, str]) -> RecordingQuery:
    """Parse ``GET /recordings`` parameters (not offset/limit); `BadInput` when malformed."""
    errors: list[FieldError] = []
    times: dict[str, datetime | None] = {}
    for key in ("startTime", "endTime"):
        raw = params.get(key)
        times[key] = None
        if raw is not None:
            try:
                times[key] = parse_time(int(raw) if raw.lstrip("-").isdigit() else raw)
            except ValueError:
                errors.append(FieldError(key, f"is not a valid date-time: {raw!r}"))
    if errors:
        raise BadInput("invalid recording query", errors)
    user_terms, user_all = _user_terms(params.get("userName", ""))
    return RecordingQuery(
        caller=params.get("callerPhoneNumber") or None,
        dialed=params.get("dialedPhoneNumber") or None,
        started_after=times["startTime"],
        ended_before=times["endTime"],
        user_terms=user_terms,
        user_all_terms=user_all,
        user_data_terms=tuple(params.get("userData", "").split()),
    )
