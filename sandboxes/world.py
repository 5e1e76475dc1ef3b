"""The deterministic world every sandbox draws from: the same people and calls across vendors.

All four sandboxes built with the same seed see the same roster (people match across vendors
by email) and share one call in ten (same caller, dialed number, agent and start time), so
conversations span sources. Generation is O(size) with cheap arithmetic: 100,000 calls take
well under a second.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import uuid
from datetime import UTC, datetime, timedelta

__all__ = ["Call", "Person", "anchor_now", "calls", "roster", "stable_uuid"]

_FIRST = [
    "Alice",
    "Amber",
    "Bruno",
    "Chen",
    "Dana",
    "Emil",
    "Fatima",
    "Gita",
    "Hugo",
    "Ines",
    "Jonas",
    "Kiri",
    "Lena",
    "Marco",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tomas",
    "Uma",
    "Vera",
    "Wei",
    "Xavier",
    "Yara",
    "Zane",
    "Aiko",
    "Bilal",
    "Carmen",
]
_LAST = [
    "Smith",
    "Garcia",
    "Müller",
    "Tanaka",
    "Okafor",
    "Rossi",
    "Dubois",
    "Kowalski",
    "Silva",
    "Novak",
    "Jensen",
    "Haddad",
    "Kim",
    "Larsen",
    "Moreau",
    "Patel",
    "Nguyen",
    "Ortega",
    "Weber",
    "Cohen",
]
_REGIONS = ("us-east", "us-west", "eu-central")
SHARED_EVERY = 10


@dataclasses.dataclass(frozen=True)
class Person:
    uuid: str
    first_name: str
    last_name: str
    email: str
    username: str
    phone: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclasses.dataclass(frozen=True)
class Call:
    """One recorded call as the world knows it; each vendor maps it to its own records."""

    key: str
    conversation_id: str
    start: datetime
    duration_ms: int
    caller: str
    dialed: str
    agent: Person
    customer: Person | None
    region: str
    shared: bool

    @property
    def end(self) -> datetime:
        return self.start + timedelta(milliseconds=self.duration_ms)


def stable_uuid(*parts: object) -> str:
    """A UUID derived from `parts`, the same on every run."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=16).digest()
    return str(uuid.UUID(bytes=digest, version=4))


def anchor_now() -> datetime:
    """The default end of the sandboxes' timeline: now, floored to the minute, in UTC."""
    return datetime.now(UTC).replace(second=0, microsecond=0)


def roster(seed: int, count: int = 120) -> list[Person]:
    """`count` people, identical for every vendor sandbox given the same seed."""
    rng = random.Random(f"roster:{seed}")
    people = []
    for index in range(count):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        handle = f"{first}.{last}{index}".lower().replace("ü", "ue")
        people.append(
            Person(
                uuid=stable_uuid(seed, "person", index),
                first_name=first,
                last_name=last,
                email=f"{handle}@example.com",
                username=handle,
                phone=f"+1415555{index:04d}",
            )
        )
    return people


def calls(seed: int, size: int, vendor: str, *, anchor: datetime, days: int = 30) -> list[Call]:
    """`size` calls for `vendor`, newest last; one in ten is shared with every other vendor."""
    people = roster(seed)
    span_ms = days * 86_400_000
    # One generator per stream, drawn in order: the k-th shared call is the same for every vendor.
    streams = {"shared": random.Random(f"{seed}:shared"), vendor: random.Random(f"{seed}:{vendor}")}
    result = []
    for index in range(size):
        shared = index % SHARED_EVERY == 0
        stream = "shared" if shared else vendor
        number = index // SHARED_EVERY if shared else index
        rng = streams[stream]
        agent = people[rng.randrange(len(people))]
        customer = people[rng.randrange(len(people))] if rng.random() < 0.3 else None
        start = anchor - timedelta(milliseconds=rng.randrange(span_ms))
        result.append(
            Call(
                key=f"{stream}:{number}",
                conversation_id=stable_uuid(seed, stream, number, "conversation"),
                start=start.replace(microsecond=(start.microsecond // 1000) * 1000),
                duration_ms=rng.randrange(15_000, 900_000),
                caller=customer.phone if customer else f"+1{rng.randrange(2_000_000_000, 9_999_999_999)}",
                dialed=f"+1800555{rng.randrange(10_000):04d}",
                agent=agent,
                customer=customer,
                region=_REGIONS[rng.randrange(len(_REGIONS))],
                shared=shared,
            )
        )
    result.sort(key=lambda call: call.start)
    return result
