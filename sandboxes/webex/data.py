"""The sandbox's converged recordings, built deterministically from the shared world.

`generate(seed, size, anchor)` maps each of ``world.calls(seed, size, "webex")`` to one MP3
recording owned by the call's agent (a roster person, same email as in every other vendor's
sandbox) or, for some unshared calls, by a virtual line, a workspace or a Customer Assist
call queue. Two more org users, the compliance officer and the admin, own none.
``serviceData.callSessionId`` is the world conversation id. A few recordings start in the
recycle bin (``deleted``) or already purged. Everything is O(size): 100,000 recordings take
about as long as the world's calls themselves.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from collections import Counter
from datetime import datetime

from sandboxes.mp3 import mp3_size
from sandboxes.world import Call, Person, calls, roster, stable_uuid

__all__ = ["AVAILABLE", "DELETED", "PURGED", "Location", "Owner", "Recording", "Store", "generate"]

AVAILABLE, DELETED, PURGED = "available", "deleted", "purged"

_LOCATIONS = (
    ("Headquarters", "US"),
    ("Denver", "US"),
    ("London", "GB"),
    ("Frankfurt", "DE"),
    ("Singapore", "SG"),
    ("Sydney", "AU"),
)
# (ownerType, display-name stem, email stem) of the non-person owners, three of each.
_SHARED_LINES = (
    ("virtualLine", "Front Desk Line", "frontdesk"),
    ("place", "Lobby Phone", "lobby"),
    ("callQueue", "Support Queue", "support.queue"),
)
# Cumulative odds for an unshared call's owner: call queue, virtual line, workspace, else the agent.
_OWNER_ODDS = ((0.06, "callQueue"), (0.12, "virtualLine"), (0.17, "place"))
# The org's compliance officer and admin (the people behind those tokens): org users owning nothing.
_STAFF = (("Robin", "Auditor", "compliance.officer"), ("Sam", "Okoro", "webex.admin"))
_DELETED_ODDS, _PURGED_ODDS = 0.03, 0.04


@dataclasses.dataclass(frozen=True, slots=True)
class Location:
    """A Webex Calling location and the storage region of its recordings."""

    uuid: str
    name: str
    region: str


@dataclasses.dataclass(frozen=True, slots=True)
class Owner:
    """Whoever a recording belongs to: a person (``user``) or a line, workspace or queue."""

    uuid: str
    email: str
    name: str
    kind: str
    location: Location
    person: Person | None = None


@dataclasses.dataclass(slots=True)
class Recording:
    """One converged recording; `status` moves through the recycle bin, `gone` after DELETE."""

    id: str
    topic: str
    create: int
    recorded: int
    duration_s: int
    size_bytes: int
    owner: Owner
    service_type: str
    call: Call
    status: str
    gone: bool = False

    @property
    def sort_key(self) -> tuple[int, str]:
        """Newest first, then by id."""
        return (-self.create, self.id)


@dataclasses.dataclass
class Store:
    """All recordings (newest first) plus the people and owners they refer to."""

    org_uuid: str
    recordings: list[Recording]
    by_id: dict[str, Recording]
    people: list[Person]
    owners_by_email: dict[str, Owner]
    locations: dict[str, Location]
    # The person behind the user tokens: the roster person owning the most recordings.
    user: Owner
    # The people behind the compliance officer's and the admin's tokens.
    officer: Owner
    admin: Owner

    def person_location(self, person: Person) -> Location:
        return self.owners_by_email[person.email].location


def _owners(seed: int, people: list[Person]) -> tuple[list[Owner], dict[str, list[Owner]]]:
    locations = [
        Location(stable_uuid(seed, "webex-location", i), name, region) for i, (name, region) in enumerate(_LOCATIONS)
    ]
    persons = [Owner(p.uuid, p.email, p.name, "user", locations[i % len(locations)], p) for i, p in enumerate(people)]
    lines: dict[str, list[Owner]] = {}
    for kind, stem, mail in _SHARED_LINES:
        lines[kind] = [
            Owner(stable_uuid(seed, "webex", kind, n), f"{mail}{n}@example.com", f"{stem} {n}", kind, locations[n])
            for n in range(1, 4)
        ]
    return persons, lines


def _staff(seed: int) -> list[Person]:
    return [
        Person(stable_uuid(seed, "webex-staff", stem), first, last, f"{stem}@example.com", stem, f"+1415556{n:04d}")
        for n, (first, last, stem) in enumerate(_STAFF)
    ]


def _recording_id(seed: int, key: str) -> str:
    # 32 hex digits, as in the seed's example ids (hyphenated UUIDs also appear at Webex).
    return hashlib.blake2b(f"{seed}:webex-recording:{key}".encode(), digest_size=16).hexdigest()


def _topic(call: Call) -> str:
    return f"Call with {call.customer.name if call.customer else call.caller}"


def generate(seed: int, size: int, anchor: datetime) -> Store:
    """`size` recordings for `seed`, the newest ending shortly before `anchor`."""
    people = [*roster(seed), *_staff(seed)]
    persons, lines = _owners(seed, people)
    by_person = {owner.uuid: owner for owner in persons}
    rng = random.Random(f"{seed}:webex:recordings")
    recordings = []
    for call in calls(seed, size, "webex", anchor=anchor):
        owner, roll, status_roll, delay = by_person[call.agent.uuid], rng.random(), rng.random(), rng.random()
        if not call.shared and roll < _OWNER_ODDS[-1][0]:
            kind = next(kind for odds, kind in _OWNER_ODDS if roll < odds)
            owner = lines[kind][int(delay * 3)]
        recorded = int(call.start.timestamp())
        duration_s = max(1, round(call.duration_ms / 1000))
        recordings.append(
            Recording(
                id=_recording_id(seed, call.key),
                topic=_topic(call),
                create=recorded + duration_s + 5 + int(delay * 85),
                recorded=recorded,
                duration_s=duration_s,
                size_bytes=mp3_size(duration_s),
                owner=owner,
                service_type="customerAssist" if owner.kind == "callQueue" else "calling",
                call=call,
                status=DELETED if status_roll < _DELETED_ODDS else PURGED if status_roll < _PURGED_ODDS else AVAILABLE,
            )
        )
    recordings.sort(key=lambda r: (-r.create, r.id))
    owned = Counter(r.owner.email for r in recordings if r.owner.kind == "user")
    owners = {o.email: o for o in [*persons, *(o for group in lines.values() for o in group)]}
    user_email = min(owned, key=lambda email: (-owned[email], email)) if owned else persons[0].email
    return Store(
        org_uuid=stable_uuid(seed, "webex-org"),
        recordings=recordings,
        by_id={r.id: r for r in recordings},
        people=people,
        owners_by_email=owners,
        locations={o.location.uuid: o.location for o in owners.values()},
        user=owners[user_email],
        officer=persons[-2],
        admin=persons[-1],
    )
