"""People: a person is every source identity sharing an email, compared case-insensitively.

A person's id is a `GlobalId` under the pseudo-source `PEOPLE_SOURCE` with the casefolded email
as its native id. An identity without an email is a person of its own, under its own id.
A person's identities are found by asking every source for the email, through the request's
loaders (one batched call per source for all the emails a request needs).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence

from gateway.errors import GatewayError, Unsupported
from gateway.ids import GlobalId
from gateway.loaders import Loaders
from gateway.models import User
from gateway.sources.base import Source

__all__ = ["PEOPLE_SOURCE", "Identities", "find_identities", "person_id"]

# Not a source instance: `gateway.config` must never accept it as one.
PEOPLE_SOURCE = "*"


def person_id(user: User) -> GlobalId:
    """The id of the person `user` is an identity of."""
    if user.email:
        return GlobalId(PEOPLE_SOURCE, "User", user.email.casefold())
    return GlobalId(user.source, "User", user.source_id)


@dataclasses.dataclass(frozen=True)
class Identities:
    """A person's identities in source order, and the sources that failed to answer."""

    users: list[User]
    errors: list[GatewayError]


async def _in(source: Source, loaders: Loaders, email: str) -> Sequence[User] | GatewayError:
    try:
        return await loaders.users_by_email(source.instance).load(email)
    except Unsupported:
        return []
    except GatewayError as exc:
        return exc


async def find_identities(email: str, sources: Sequence[Source], loaders: Loaders) -> Identities:
    """Every identity with `email` in `sources`; a failing source is left out and reported."""
    results = await asyncio.gather(*(_in(source, loaders, email.casefold()) for source in sources))
    users: list[User] = []
    errors: list[GatewayError] = []
    for result in results:
        if isinstance(result, GatewayError):
            errors.append(result)
        else:
            users += sorted(result, key=lambda user: user.source_id)
    return Identities(users, errors)
