"""The criteria of a recording filter a Genesys Cloud listing applies itself, and how.

The analytics query narrows the conversations by predicates (``conversationFilters`` on the
conversation id, ``segmentFilters`` on ``ani``/``dnis`` and ``userId``; exact values only, it has
no wildcards, so a number pattern is left to the gateway). The connector then checks each
criterion exactly as the gateway would (`gateway.filtering`): the id and the numbers on what the
query returns, the owner on each recording, since a segment's user or number is not necessarily
the recording's (a conversation's users and numbers are a superset of its recordings' owner and
first numbers).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from gateway.models import CallDetails, Recording, User
from gateway.query import Capability, RecordingFilter

__all__ = ["PUSHED", "Criteria", "criteria_for", "pushdown"]

PUSHED = frozenset(
    {
        Capability.FILTER_TIME_RANGE,
        Capability.FILTER_CONVERSATION,
        Capability.FILTER_CALLER_NUMBER,
        Capability.FILTER_DIALED_NUMBER,
        Capability.FILTER_OWNER,
    }
)
# Most values one ``or`` clause carries; more owners are checked here only.
MAX_PREDICATES = 100


def _exact(value: str | None) -> str | None:
    """A number the query can match: set and without the gateway's ``*`` wildcard."""
    return value if value and "*" not in value else None


def pushdown(wanted: RecordingFilter) -> frozenset[Capability]:
    """What the listing applies of `wanted`: number patterns and an empty owner email are the gateway's."""
    left = {
        capability
        for capability, value in (
            (Capability.FILTER_CALLER_NUMBER, wanted.caller_number),
            (Capability.FILTER_DIALED_NUMBER, wanted.dialed_number),
        )
        if value and _exact(value) is None
    }
    if wanted.owner_email == "":
        left.add(Capability.FILTER_OWNER)  # the gateway matches owners without an email to it
    return PUSHED - left


def _predicate(dimension: str, value: str) -> dict[str, Any]:
    return {"type": "dimension", "dimension": dimension, "operator": "matches", "value": value}


def _any_of(dimension: str, values: Sequence[str]) -> dict[str, Any]:
    return {"type": "or", "predicates": [_predicate(dimension, value) for value in values]}


# Only conversations with a recording.
RECORDED: dict[str, Any] = {
    "type": "and",
    "predicates": [{"type": "dimension", "dimension": "recording", "operator": "exists"}],
}


@dataclasses.dataclass(frozen=True)
class Criteria:
    """What one listing applies; None: any."""

    instance: str
    conversation_id: str | None = None
    caller_number: str | None = None
    dialed_number: str | None = None
    owner_ids: frozenset[str] | None = None

    @property
    def impossible(self) -> bool:
        """Nothing can match (no owner of this org, an empty id): no call needed."""
        return self.conversation_id == "" or (self.owner_ids is not None and not self.owner_ids)

    @property
    def narrowed(self) -> bool:
        """Whether anything but the time narrows the query (its first page then likely holds every match)."""
        return any(
            v is not None for v in (self.conversation_id, self.caller_number, self.dialed_number, self.owner_ids)
        )

    def conversation_filters(self) -> list[dict[str, Any]]:
        if self.conversation_id is None:
            return []
        return [{"type": "and", "predicates": [_predicate("conversationId", self.conversation_id)]}]

    def segment_filters(self) -> list[dict[str, Any]]:
        """Recorded conversations, with the numbers (as the API writes them, ``tel:`` or not) and owners."""
        clauses = [RECORDED]
        for dimension, number in (("ani", self.caller_number), ("dnis", self.dialed_number)):
            if number is not None:
                clauses.append(_any_of(dimension, [number, f"tel:{number}"]))
        if self.owner_ids and len(self.owner_ids) <= MAX_PREDICATES:
            clauses.append(_any_of("userId", sorted(self.owner_ids)))
        return clauses

    def admits_call(self, conversation_id: str, call: CallDetails) -> bool:
        """Whether a conversation's recordings can match (its id and numbers)."""
        return (
            (self.conversation_id is None or conversation_id == self.conversation_id)
            and (self.caller_number is None or call.caller_number == self.caller_number)
            and (self.dialed_number is None or call.dialed_number == self.dialed_number)
        )

    def admits(self, recording: Recording) -> bool:
        """Whether a recording of an admitted conversation matches (its owner)."""
        if self.owner_ids is None:
            return True
        owner = recording.owner
        return owner is not None and owner.source == self.instance and owner.source_id in self.owner_ids


async def criteria_for(
    instance: str,
    wanted: RecordingFilter,
    users_by_email: Callable[[Sequence[str]], Awaitable[Sequence[Sequence[User]]]],
) -> Criteria:
    """The criteria of `wanted` this listing applies (see `pushdown`); an owner email becomes the
    ids of the users with that email (`users_by_email`)."""
    pushed = pushdown(wanted)
    owner_ids: frozenset[str] | None = None
    if Capability.FILTER_OWNER in pushed:
        if wanted.owners is not None:
            owner_ids = frozenset(ref.source_id for ref in wanted.owners if ref.source == instance)
        if wanted.owner_email is not None:
            (users,) = await users_by_email([wanted.owner_email])
            by_email = frozenset(user.source_id for user in users)
            owner_ids = by_email if owner_ids is None else owner_ids & by_email
    return Criteria(
        instance,
        conversation_id=wanted.conversation_id,
        caller_number=_exact(wanted.caller_number),
        dialed_number=_exact(wanted.dialed_number),
        owner_ids=owner_ids,
    )
