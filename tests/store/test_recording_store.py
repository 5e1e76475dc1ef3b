"""The store against real SQLite and PostgreSQL: persistence, search semantics, atomicity."""

import copy
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gateway.errors import BadInput
from gateway.store import Keyset, RecordingStore, SortKey, parse_query
from gateway.store.engage import RecordingQuery, format_time

START = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def make_recording(
    index: int,
    *,
    caller: str = "+16500000000",
    agent: tuple[str, str, str] = ("ann@x.com", "Ann", "Lee"),
    data: dict[str, str] | None = None,
    minutes: int = 5,
) -> dict:
    start = START + timedelta(hours=index)
    event = {
        "occurredAt": format_time(start),
        "event": "Joined",
        "contact": {
            "type": "User",
            "phoneNumber": "+1000",
            "userName": agent[0],
            "firstName": agent[1],
            "lastName": agent[2],
        },
    }
    if data:
        event["data"] = data
    return {
        "id": f"REC{index:04d}",
        "callerPhoneNumber": caller,
        "dialedPhoneNumber": "+18005550100",
        "region": "us",
        "mediaFiles": [
            {
                "mediaDescriptor": {"storage": "webDAV", "path": f"http://dav/{index}.mp3"},
                "callUUID": f"CALL{index}",
                "startTime": format_time(start),
                "stopTime": format_time(start + timedelta(minutes=minutes)),
            }
        ],
        "eventHistory": [
            event,
            {
                "occurredAt": format_time(start),
                "event": "Joined",
                "contact": {"type": "External", "phoneNumber": caller},
            },
        ],
    }


async def ids(store: RecordingStore, **params: str) -> list[str]:
    return [d["id"] for d in await store.search(parse_query(params), limit=100)]


async def test_ingest_then_get(store, seed_recording):
    result = await store.ingest(seed_recording)
    assert result.created
    (document,) = await store.get_many([seed_recording["id"]])
    assert document == result.document
    assert await store.get_many(["missing", seed_recording["id"]]) == [None, document]
    assert await store.get_many([seed_recording["id"]], region="other") == [None]


async def test_repost_merges_in_place(store, seed_recording):
    await store.ingest(seed_recording)
    repost = copy.deepcopy(seed_recording)
    repost["mediaFiles"][0]["mediaDescriptor"]["path"] = "FTtests/sample2.mp3"
    result = await store.ingest(repost)
    assert not result.created
    assert len(result.document["mediaFiles"]) == 2
    assert await store.count(RecordingQuery()) == 1


async def test_invalid_input_stores_nothing(store, seed_recording):
    seed_recording["region"] = ""
    with pytest.raises(BadInput):
        await store.ingest(seed_recording)
    assert await store.count(RecordingQuery()) == 0


async def test_phone_numbers_match_exactly_with_wildcards_case_sensitively(store):
    await store.ingest(make_recording(1, caller="+16504668888"))
    await store.ingest(make_recording(2, caller="AB12"))
    await store.ingest(make_recording(3, caller="+1650_100%"))
    assert await ids(store, callerPhoneNumber="+1650") == []
    assert await ids(store, callerPhoneNumber="+1650*") == ["REC0003", "REC0001"]
    assert await ids(store, callerPhoneNumber="*8888") == ["REC0001"]
    assert await ids(store, callerPhoneNumber="ab12") == []
    assert await ids(store, callerPhoneNumber="AB12") == ["REC0002"]
    assert await ids(store, callerPhoneNumber="+1650_100%") == ["REC0003"]  # LIKE metacharacters are literal
    assert await ids(store, dialedPhoneNumber="+1800*0100") == ["REC0003", "REC0002", "REC0001"]


async def test_participant_names_any_term_or_all_with_and(store):
    await store.ingest(make_recording(1, agent=("alice@x.com", "Alice", "Jones")))
    await store.ingest(make_recording(2, agent=("amber@x.com", "Amber", "Smith")))
    await store.ingest(make_recording(3, agent=("alice.amber@x.com", "Alice", "Amber")))
    assert await ids(store, userName="ALICE") == ["REC0003", "REC0001"]
    assert await ids(store, userName="Alice Smith") == ["REC0003", "REC0002", "REC0001"]
    assert await ids(store, userName="Alice AND Amber") == ["REC0003"]
    assert await ids(store, userName="am*") == ["REC0003", "REC0002"]
    assert await ids(store, userName="ali") == []


async def test_user_data_values(store):
    await store.ingest(make_recording(1, data={"customer": "tomas"}))
    await store.ingest(make_recording(2, data={"customer": "jerry"}))
    await store.ingest(make_recording(3))
    assert await ids(store, userData="tom") == []
    assert await ids(store, userData="tom*") == ["REC0001"]
    assert await ids(store, userData="tom* jerry") == ["REC0002", "REC0001"]


async def test_time_range_and_combined_criteria(store):
    for index in range(1, 5):
        await store.ingest(make_recording(index, caller="+1999" if index % 2 else "+1888"))
    after = format_time(START + timedelta(hours=2))
    before = format_time(START + timedelta(hours=4, minutes=1))
    assert await ids(store, startTime=after) == ["REC0004", "REC0003", "REC0002"]
    assert await ids(store, endTime=before) == ["REC0003", "REC0002", "REC0001"]
    assert await ids(store, startTime=after, endTime=before, callerPhoneNumber="+1999") == ["REC0003"]


async def test_keyset_and_offset_paging_in_both_directions(store):
    for index in range(1, 8):
        await store.ingest(make_recording(index, minutes=10 - index))
    everything = RecordingQuery()
    first = await store.search(everything, limit=3)
    last = first[-1]
    rest = await store.search(everything, limit=10, after=Keyset(START + timedelta(hours=5), last["id"]))
    assert [d["id"] for d in first + rest] == [f"REC{i:04d}" for i in range(7, 0, -1)]
    assert [d["id"] for d in await store.search(everything, limit=2, offset=2)] == ["REC0005", "REC0004"]
    by_duration = await store.search(everything, limit=3, sort=SortKey.DURATION, descending=False)
    assert [d["id"] for d in by_duration] == ["REC0007", "REC0006", "REC0005"]


async def test_remove(store, seed_recording):
    await store.ingest(seed_recording)
    assert await store.remove(seed_recording["id"])
    assert not await store.remove(seed_recording["id"])
    assert await store.get_many([seed_recording["id"]]) == [None]
    assert await store.users() == []


async def test_users_are_the_agents_seen(store):
    await store.ingest(make_recording(1, agent=("alice@x.com", "Alice", "Jones")))
    await store.ingest(make_recording(2, agent=("bob@x.com", "Bob", "Stone")))
    assert [u.user_name for u in await store.users()] == ["alice@x.com", "bob@x.com"]
    assert [u.user_name for u in await store.users(search="STON")] == ["bob@x.com"]
    assert [u.user_name for u in await store.users(after="alice@x.com")] == ["bob@x.com"]


async def test_a_failure_mid_ingest_leaves_the_old_record(store, seed_recording):
    """A database failure after the recording row is written rolls the whole ingest back."""
    await store.ingest(seed_recording)
    async with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(
                sa.text(
                    "CREATE OR REPLACE FUNCTION recgate_test_explode() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.user_name = 'explode' THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$ "
                    "LANGUAGE plpgsql"
                )
            )
            await conn.execute(sa.text("DROP TRIGGER IF EXISTS recgate_test_explode ON recording_contacts"))
            await conn.execute(
                sa.text(
                    "CREATE TRIGGER recgate_test_explode BEFORE INSERT ON recording_contacts "
                    "FOR EACH ROW EXECUTE FUNCTION recgate_test_explode()"
                )
            )
        else:
            await conn.execute(
                sa.text(
                    "CREATE TRIGGER recgate_test_explode BEFORE INSERT ON recording_contacts "
                    "WHEN NEW.user_name = 'explode' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
                )
            )
    try:
        repost = copy.deepcopy(seed_recording)
        repost["callerPhoneNumber"] = "+1555"
        repost["eventHistory"][0]["contact"]["userName"] = "explode"
        with pytest.raises(sa.exc.DBAPIError):
            await store.ingest(repost)
        (document,) = await store.get_many([seed_recording["id"]])
        assert document["callerPhoneNumber"] == seed_recording["callerPhoneNumber"]
        assert [u.user_name for u in await store.users()] == ["dima.p@genesys.com"]
    finally:
        async with store.engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "DROP TRIGGER IF EXISTS recgate_test_explode"
                    + (" ON recording_contacts" if conn.dialect.name == "postgresql" else "")
                )
            )


async def test_migrations_are_idempotent(store_url):
    from gateway.config import Settings
    from gateway.store.migrations import MIGRATIONS, migrate

    store = await RecordingStore.open(Settings(store_url=store_url).database_url)
    try:
        assert await migrate(store.engine) == MIGRATIONS[-1][0]
        async with store.engine.connect() as conn:
            versions = (await conn.execute(sa.text("SELECT version FROM schema_migrations"))).scalars().all()
        assert versions == [number for number, _, _ in MIGRATIONS]
    finally:
        await store.aclose()


async def test_ingest_many_merges_and_indexes_in_one_transaction(store, seed_recording):
    await store.ingest(seed_recording)
    repost = copy.deepcopy(seed_recording)
    repost["mediaFiles"][0]["mediaDescriptor"]["path"] = "FTtests/sample2.mp3"
    batch = [
        make_recording(1),
        repost,
        make_recording(2, agent=("bob@x.com", "Bob", "Ray")),
        make_recording(1, caller="+16509999999", data={"case": "C-1"}),
    ]
    results = await store.ingest_many(batch)
    assert [(r.document["id"], r.created) for r in results] == [
        ("REC0001", True),
        (seed_recording["id"], False),
        ("REC0002", True),
    ]
    (merged,) = await store.get_many([seed_recording["id"]])
    assert len(merged["mediaFiles"]) == 2
    (rec1,) = await store.get_many(["REC0001"])
    assert rec1["callerPhoneNumber"] == "+16509999999" and len(rec1["mediaFiles"]) == 1
    assert await store.count(RecordingQuery()) == 3
    assert await ids(store, userName="bob") == ["REC0002"]
    assert await ids(store, userData="C-1") == ["REC0001"]
    assert await ids(store, userName="dima*") == [seed_recording["id"]]

    invalid = make_recording(3)
    invalid["mediaFiles"] = []
    with pytest.raises(BadInput):
        await store.ingest_many([make_recording(4), invalid])
    assert await store.get_many(["REC0003", "REC0004"]) == [None, None]


async def test_a_recording_with_only_external_contacts(store, seed_recording):
    seed_recording["eventHistory"] = [
        {
            "occurredAt": "2013-05-18T22:25:56.000+0000",
            "event": "Joined",
            "contact": {"type": "External", "phoneNumber": "UNKNOWN"},
        }
    ]
    assert (await store.ingest(seed_recording)).created
    assert await store.users() == []
    assert [d["id"] for d in await store.search(parse_query({"userName": "*"}), limit=10)] == []
