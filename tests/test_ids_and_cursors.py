"""Global ids and signed pagination cursors."""

import pytest

from gateway.cursors import CursorCodec, query_digest
from gateway.errors import InvalidCursor, InvalidId
from gateway.ids import GlobalId


def test_global_ids_round_trip_and_are_opaque():
    gid = GlobalId("gc-emea", "Recording", "a:b/c")
    encoded = gid.encode()
    assert GlobalId.decode(encoded) == gid
    assert "gc-emea" not in encoded
    with pytest.raises(InvalidId):
        GlobalId.decode(encoded, expected_type="User")
    for bad in ("", "nope", "WyJhIl0", "e30"):
        with pytest.raises(InvalidId):
            GlobalId.decode(bad)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_cursors_round_trip_and_refuse_tampering_other_queries_and_age():
    clock = Clock()
    codec = CursorCodec("secret", ttl_s=60, clock=clock)
    digest = query_digest({"filter": {"callerNumber": "+1*"}})
    cursor = codec.encode(digest, {"local": ["2024-01-01T00:00:00+00:00", "REC1"]})
    assert codec.decode(cursor, digest) == {"local": ["2024-01-01T00:00:00+00:00", "REC1"]}
    body, signature = cursor.split(".")
    with pytest.raises(InvalidCursor, match="not one this gateway issued"):
        codec.decode(body[:-2] + "AA." + signature, digest)
    with pytest.raises(InvalidCursor, match="not one this gateway issued"):
        CursorCodec("other-secret", ttl_s=60, clock=clock).decode(cursor, digest)
    with pytest.raises(InvalidCursor, match="another filter"):
        codec.decode(cursor, query_digest({"filter": {}}))
    with pytest.raises(InvalidCursor, match="malformed"):
        codec.decode("garbage", digest)
    clock.now += 61
    with pytest.raises(InvalidCursor, match="expired"):
        codec.decode(cursor, digest)
