"""Engage's validation, merge and query rules (pure functions, no database)."""

import copy
from datetime import UTC, datetime

import pytest

from gateway.errors import BadInput
from gateway.store import engage


def field_errors(document: object) -> dict[str, str]:
    with pytest.raises(BadInput) as caught:
        engage.validate(document)
    return {e.field: e.message for e in caught.value.field_errors}


def test_the_seed_example_is_valid(seed_recording):
    engage.validate(seed_recording)


@pytest.mark.parametrize("key", ["id", "callerPhoneNumber", "dialedPhoneNumber", "region"])
def test_mandatory_strings_must_be_present_non_empty_and_trimmed(seed_recording, key):
    for value, message in (
        (None, "is required"),
        ("", "must be a non-empty string"),
        (" x", "must not have leading or trailing spaces"),
        ("x ", "must not have"),
    ):
        document = copy.deepcopy(seed_recording)
        document[key] = value
        if value is None:
            del document[key]
        assert field_errors(document)[key].startswith(message)


def test_media_files_and_event_history_must_not_be_empty(seed_recording):
    seed_recording["mediaFiles"] = []
    seed_recording["eventHistory"] = []
    errors = field_errors(seed_recording)
    assert errors["mediaFiles"] == "must be a non-empty array"
    assert errors["eventHistory"] == "must be a non-empty array"


def test_media_file_rules(seed_recording):
    media = seed_recording["mediaFiles"][0]
    media["startTime"] = "yesterday"
    del media["stopTime"]
    media["callUUID"] = ""
    media["mediaDescriptor"] = {"storage": "awsS3", "path": "a.mp3", "data": {}}
    errors = field_errors(seed_recording)
    assert errors["mediaFiles[0].startTime"].startswith("is not a valid date-time")
    assert errors["mediaFiles[0].stopTime"] == "is required"
    assert errors["mediaFiles[0].callUUID"] == "must be a non-empty string"
    assert errors["mediaFiles[0].mediaDescriptor.data.bucket"] == "is required"


def test_unknown_storage_and_stop_before_start(seed_recording):
    media = seed_recording["mediaFiles"][0]
    media["mediaDescriptor"] = {"storage": "ftp", "path": "x"}
    media["stopTime"] = "2013-05-17T11:00:00.000-0800"
    errors = field_errors(seed_recording)
    assert errors["mediaFiles[0].mediaDescriptor.storage"] == "must be one of awsS3, webDAV"
    assert errors["mediaFiles[0].stopTime"] == "must not be before startTime"


def test_webdav_needs_no_data(seed_recording):
    seed_recording["mediaFiles"][0]["mediaDescriptor"] = {"storage": "webDAV", "path": "http://dav/x.mp3"}
    engage.validate(seed_recording)


def test_user_contacts_need_names_but_external_ones_do_not(seed_recording):
    contact = seed_recording["eventHistory"][0]["contact"]
    del contact["firstName"]
    contact["lastName"] = " "
    errors = field_errors(seed_recording)
    assert errors["eventHistory[0].contact.firstName"] == "is required"
    assert "eventHistory[0].contact.lastName" in errors
    seed_recording["eventHistory"][0]["contact"] = {"type": "External", "phoneNumber": "UNKNOWN"}
    engage.validate(seed_recording)


def test_event_rules(seed_recording):
    event = seed_recording["eventHistory"][0]
    event["event"] = "Transferred"
    event["contact"]["phoneNumber"] = ""
    errors = field_errors(seed_recording)
    assert errors["eventHistory[0].event"] == "must be Joined or Left"
    assert errors["eventHistory[0].contact.phoneNumber"] == "must be a non-empty string"


def test_not_an_object():
    with pytest.raises(BadInput):
        engage.validate([1, 2])


def test_merge_normalizes_times_and_derives_start_and_stop(seed_recording):
    merged = engage.merge(None, seed_recording)
    assert merged["startTime"] == "2013-05-17T19:45:32.000+0000"
    assert merged["stopTime"] == "2013-05-17T22:15:36.000+0000"
    assert merged["mediaFiles"][0]["accessgroups"] == ["US", "US/CA"]
    assert "accessgroup" not in merged["mediaFiles"][0]


def test_merge_replaces_media_with_the_same_storage_identity_and_adds_others(seed_recording):
    first = engage.merge(None, seed_recording)
    repost = copy.deepcopy(seed_recording)
    repost["mediaFiles"][0]["duration"] = "9000"  # same bucket + path: overwrite
    other = copy.deepcopy(repost["mediaFiles"][0])
    other["mediaDescriptor"]["data"]["bucket"] = "other-bucket"  # same path, other bucket: new file
    other["startTime"] = "2013-05-17T10:00:00.000-0800"
    repost["mediaFiles"].append(other)
    merged = engage.merge(first, repost)
    assert [m["duration"] for m in merged["mediaFiles"]] == ["9000", "9000"]
    assert merged["mediaFiles"][0]["fileId"] == first["mediaFiles"][0]["fileId"]
    assert merged["startTime"] == "2013-05-17T18:00:00.000+0000"


def test_webdav_identity_is_the_path_alone():
    a = {"storage": "webDAV", "path": "http://dav/1.mp3", "data": {"x": 1}}
    b = {"storage": "webDAV", "path": "http://dav/1.mp3"}
    assert engage.media_identity(a) == engage.media_identity(b)


def test_merge_identifies_events_by_time_event_and_phone(seed_recording):
    first = engage.merge(None, seed_recording)
    repost = copy.deepcopy(seed_recording)
    same = repost["eventHistory"][0]
    same["occurredAt"] = "2013-05-18T23:25:56.000+0100"  # the same instant, another offset
    same["contact"]["firstName"] = "Dmitry"
    joined = copy.deepcopy(same)
    joined["event"] = "Joined"
    repost["eventHistory"].append(joined)
    merged = engage.merge(first, repost)
    assert [(e["event"], e["contact"]["firstName"]) for e in merged["eventHistory"]] == [
        ("Left", "Dmitry"),
        ("Joined", "Dmitry"),
    ]


def test_parse_query():
    query = engage.parse_query(
        {
            "callerPhoneNumber": "+1650*",
            "userName": "Alice AND Amber",
            "startTime": "0",
            "endTime": "2020-01-01T00:00:00Z",
            "userData": "tom jerry*",
        }
    )
    assert query.caller == "+1650*"
    assert query.user_terms == ("Alice", "Amber") and query.user_all_terms
    assert query.started_after == datetime(1970, 1, 1, tzinfo=UTC)
    assert query.ended_before == datetime(2020, 1, 1, tzinfo=UTC)
    assert query.user_data_terms == ("tom", "jerry*")
    assert engage.parse_query({"userName": "Alice Amber"}).user_all_terms is False
    assert engage.parse_query({}).is_empty


def test_parse_query_rejects_bad_times():
    with pytest.raises(BadInput) as caught:
        engage.parse_query({"startTime": "soon"})
    assert caught.value.field_errors[0].field == "startTime"
