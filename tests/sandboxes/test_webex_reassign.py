"""The Webex sandbox: ``POST /v1/convergedRecordings/reassign`` and ``GET /v1/people/me``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from sandboxes.kit import Knobs, SandboxConfig
from sandboxes.webex import connection_info, create_app
from sandboxes.webex.data import AVAILABLE, PURGED, Owner, Recording, Store
from sandboxes.webex.ids import encode_id
from tests.sandboxes.test_webex import assert_webex_error

ANCHOR = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
INFO = connection_info("http://sandbox")
REASSIGN = "/v1/convergedRecordings/reassign"


def _auth(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {INFO[name]}"}


ADMIN = _auth("admin_token")


@pytest.fixture
def app() -> Starlette:
    return create_app(SandboxConfig(seed=5, size=1500, anchor=ANCHOR, knobs=Knobs(rate_limits=False)))


@pytest.fixture
def store(app: Starlette) -> Store:
    store: Store = app.state.webex.store
    return store


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as http:
        yield http


def _people_owning(store: Store, count: int) -> list[Owner]:
    """`count` roster people, each owning at least two recordings the admin can see."""
    owned: dict[str, int] = {}
    for recording in store.recordings:
        if recording.owner.kind == "user" and recording.status != PURGED:
            owned[recording.owner.email] = owned.get(recording.owner.email, 0) + 1
    emails = sorted(email for email, n in owned.items() if n >= 2)[:count]
    return [store.owners_by_email[email] for email in emails]


def _of(store: Store, owner: Owner) -> list[Recording]:
    return [r for r in store.recordings if r.owner is owner and r.status != PURGED]


async def _owner_email(client: httpx.AsyncClient, recording: Recording) -> str:
    """The owner the details call reports (to the compliance officer)."""
    response = await client.get(f"/v1/convergedRecordings/{recording.id}", headers=_auth("token"))
    assert response.status_code == 200
    email: str = response.json()["ownerEmail"]
    return email


async def _owner_emails(client: httpx.AsyncClient, recordings: list[Recording]) -> set[str]:
    return {await _owner_email(client, recording) for recording in recordings}


async def test_listed_recordings_move_to_the_new_owner(client: httpx.AsyncClient, store: Store) -> None:
    old, new = _people_owning(store, 2)
    moving = _of(store, old)[:2]
    body = {"recordingIds": [r.id for r in moving], "reassignOwnerEmail": new.email.upper()}
    response = await client.post(REASSIGN, json=body, headers=ADMIN)
    assert response.status_code == 204 and response.content == b""
    for recording in moving:
        assert await _owner_email(client, recording) == new.email
        details = (await client.get(f"/v1/convergedRecordings/{recording.id}", headers=ADMIN)).json()
        assert details["ownerId"] == new.uuid and details["ownerType"] == "user"
    staying = _of(store, old)
    assert staying and await _owner_emails(client, staying) == {old.email}


async def test_owner_email_alone_moves_every_recording_of_that_owner(client: httpx.AsyncClient, store: Store) -> None:
    old, new = _people_owning(store, 2)
    theirs = _of(store, old)
    response = await client.post(
        REASSIGN, json={"ownerEmail": old.email, "reassignOwnerEmail": new.email}, headers=ADMIN
    )
    assert response.status_code == 204
    assert _of(store, old) == []
    assert await _owner_emails(client, theirs) == {new.email}


async def test_ids_with_an_owner_move_only_that_owners(client: httpx.AsyncClient, store: Store) -> None:
    first, second, new = _people_owning(store, 3)
    mine, others = _of(store, first)[0], _of(store, second)[0]
    body = {"ownerEmail": first.email, "recordingIds": [mine.id, others.id], "reassignOwnerEmail": new.email}
    assert (await client.post(REASSIGN, json=body, headers=ADMIN)).status_code == 204
    assert await _owner_email(client, mine) == new.email
    assert await _owner_email(client, others) == second.email


async def test_owner_id_names_a_virtual_line_or_a_person(client: httpx.AsyncClient, store: Store) -> None:
    (new,) = _people_owning(store, 1)
    line = next(r.owner for r in store.recordings if r.owner.kind == "virtualLine" and r.status != PURGED)
    lines = _of(store, line)
    response = await client.post(REASSIGN, json={"ownerID": line.uuid, "reassignOwnerEmail": new.email}, headers=ADMIN)
    assert response.status_code == 204
    assert await _owner_emails(client, lines) == {new.email}
    # A base64 person id names the same person as its bare UUID.
    (other,) = (person for person in _people_owning(store, 2) if person is not new)
    back = {"ownerID": encode_id("PEOPLE", new.uuid), "recordingIds": [lines[0].id], "reassignOwnerEmail": other.email}
    assert (await client.post(REASSIGN, json=back, headers=ADMIN)).status_code == 204
    assert await _owner_email(client, lines[0]) == other.email


def _refusals(store: Store) -> list[tuple[str, Any, int]]:
    old, new = _people_owning(store, 2)
    one = _of(store, old)[0].id
    line = next(o for o in store.owners_by_email.values() if o.kind == "virtualLine")
    purged = next(r.id for r in store.recordings if r.status == PURGED)
    return [
        ("token", {"recordingIds": [one], "reassignOwnerEmail": new.email}, 403),  # compliance officer
        ("user_write_token", {"recordingIds": [one], "reassignOwnerEmail": new.email}, 403),
        ("expired_token", {"recordingIds": [one], "reassignOwnerEmail": new.email}, 401),
        ("admin_token", {"recordingIds": [one]}, 400),
        ("admin_token", {"recordingIds": [one], "reassignOwnerEmail": ""}, 400),
        ("admin_token", {"recordingIds": [one], "reassignOwnerEmail": ["a"]}, 400),
        ("admin_token", {"reassignOwnerEmail": new.email}, 400),
        ("admin_token", {"recordingIds": [], "reassignOwnerEmail": new.email}, 400),
        ("admin_token", {"recordingIds": [one], "reassignOwnerEmail": "nobody@example.com"}, 404),
        ("admin_token", {"recordingIds": [one], "reassignOwnerEmail": line.email}, 400),
        ("admin_token", {"ownerEmail": "nobody@example.com", "reassignOwnerEmail": new.email}, 404),
        ("admin_token", {"ownerID": "00000000-0000-4000-8000-000000000000", "reassignOwnerEmail": new.email}, 404),
        ("admin_token", {"recordingIds": ["0" * 32], "reassignOwnerEmail": new.email}, 404),
        ("admin_token", {"recordingIds": [purged], "reassignOwnerEmail": new.email}, 404),
        ("admin_token", {"recordingIds": [one] * 101, "reassignOwnerEmail": new.email}, 400),
        ("admin_token", {"recordingIds": one, "reassignOwnerEmail": new.email}, 400),
        ("admin_token", {"recordingIds": [1], "reassignOwnerEmail": new.email}, 400),
        ("admin_token", [{"recordingIds": [one], "reassignOwnerEmail": new.email}], 400),
    ]


async def test_refusals_change_nothing(client: httpx.AsyncClient, store: Store) -> None:
    before = {r.id: r.owner.email for r in store.recordings}
    for token, body, status in _refusals(store):
        assert_webex_error(await client.post(REASSIGN, json=body, headers=_auth(token)), status)
    plain = {**ADMIN, "Content-Type": "text/plain"}
    assert_webex_error(await client.post(REASSIGN, content=b'{"reassignOwnerEmail": "a"}', headers=plain), 415)
    assert {r.id: r.owner.email for r in store.recordings} == before


async def test_reassigned_recordings_follow_their_owner_in_the_lists(client: httpx.AsyncClient, store: Store) -> None:
    old, new = _people_owning(store, 2)
    moved = next(r for r in _of(store, old) if r.status == AVAILABLE)
    body = {"recordingIds": [moved.id], "reassignOwnerEmail": new.email}
    assert (await client.post(REASSIGN, json=body, headers=ADMIN)).status_code == 204
    window = {"from": "2025-02-01T12:00:00Z", "to": "2025-03-03T12:00:00Z", "max": 100}
    listed = await client.get(
        "/v1/admin/convergedRecordings", params={**window, "ownerEmail": new.email}, headers=ADMIN
    )
    assert moved.id in {item["id"] for item in listed.json()["items"]}


# --- GET /v1/people/me -----------------------------------------------------------------------


@pytest.mark.parametrize(("token", "holder"), [("token", "officer"), ("user_write_token", "user")])
async def test_people_me_is_the_tokens_own_person(
    client: httpx.AsyncClient, store: Store, token: str, holder: str
) -> None:
    person: Owner = getattr(store, holder)
    response = await client.get("/v1/people/me", headers=_auth(token))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    me = response.json()
    assert me["emails"] == [person.email] and me["displayName"] == person.name and me["type"] == "person"
    assert me["id"] == encode_id("PEOPLE", person.uuid)
    by_id = await client.get(f"/v1/people/{me['id']}", headers=_auth(token))
    assert by_id.json() == me
    by_email = await client.get("/v1/people", params={"email": person.email}, headers=_auth(token))
    assert by_email.json() == {"items": [me]}


async def test_people_me_needs_a_people_scope_and_a_live_token(client: httpx.AsyncClient) -> None:
    for token, status in (("user_token", 403), ("admin_token", 403), ("expired_token", 401)):
        assert_webex_error(await client.get("/v1/people/me", headers=_auth(token)), status)
    assert_webex_error(await client.get("/v1/people/me"), 401)


def test_officer_and_admin_are_org_users_owning_nothing(store: Store) -> None:
    assert store.officer.kind == store.admin.kind == "user"
    assert store.officer is not store.admin
    assert not any(r.owner in (store.officer, store.admin) for r in store.recordings)
