"""A person's source identities: the UserIdentity type, and who a user id stands for.

A person is every source identity sharing an email, compared case-insensitively; an identity without an email
is a person of its own.
"""

from collections.abc import Sequence

import strawberry

from gateway import models
from gateway.errors import GatewayError, NotFound, SourceError, Unsupported
from gateway.identities import PEOPLE_SOURCE, find_identities
from gateway.ids import GlobalId
from resolvers.common import Info

__all__ = [
    "USER_ID",
    "UserIdentity",
    "identities_of",
    "identity_for",
    "identity_ref",
    "owner_identities",
    "report_errors",
]

USER_ID = "A person's id, or the id of one of their source identities (which stands for the person)."


@strawberry.type(description="One identity of a person: their account in one source.")
class UserIdentity:
    id: strawberry.ID = strawberry.field(description="The identity's own id; accepted wherever a user id is.")
    source: str = strawberry.field(description="The source instance.")
    source_id: str = strawberry.field(description="The identity's id in its source.")
    name: str | None
    email: str | None
    username: str | None
    state: str | None

    @classmethod
    def from_domain(cls, user: models.User) -> "UserIdentity":
        return cls(
            id=strawberry.ID(GlobalId(user.source, "User", user.source_id).encode()),
            source=user.source,
            source_id=user.source_id,
            name=user.name,
            email=user.email,
            username=user.username,
            state=user.state,
        )


def identity_ref(user: models.User) -> models.UserRef:
    return models.UserRef(user.source, user.source_id)


def report_errors(info: Info, errors: Sequence[GatewayError]) -> None:
    """Adds failures to the request's partial errors, once per source and code."""
    partial = info.context.partial_errors
    for error in errors:
        if all((e.code, getattr(e, "source", None)) != (error.code, getattr(error, "source", None)) for e in partial):
            partial.append(error)


async def _identity(info: Info, global_id: GlobalId) -> models.User:
    """One source identity, through the source's batched `get_users` (no directory search needed)."""
    source = info.context.services.source(global_id.source)
    try:
        user = await info.context.loaders.users(source.instance).load(global_id.native_id)
    except Unsupported as exc:
        raise NotFound(f"source {source.instance} has no users") from exc
    if user is None:
        raise NotFound(f"user {global_id.native_id} not found in {source.instance}")
    return user


async def _with_email(info: Info, email: str) -> list[models.User]:
    """Every source's identities with `email`; sources that fail are reported as partial errors."""
    found = await find_identities(email, list(info.context.services.sources.values()), info.context.loaders)
    report_errors(info, found.errors)
    return found.users


async def identities_of(info: Info, identity: models.User) -> list[models.User]:
    """The identities of `identity`'s person (itself alone when it has no email)."""
    if not identity.email:
        return [identity]
    found = await _with_email(info, identity.email)
    return found if identity_ref(identity) in map(identity_ref, found) else [identity, *found]


async def identity_for(info: Info, global_id: GlobalId) -> models.User:
    """The identity a user id leads to: an identity id's own, or the first of a person id's identities."""
    if global_id.source == PEOPLE_SOURCE:
        found = await _with_email(info, global_id.native_id)
        if not found:
            raise NotFound(f"no user has the email {global_id.native_id}")
        return found[0]
    return await _identity(info, global_id)


async def owner_identities(info: Info, global_id: GlobalId) -> tuple[models.UserRef, ...]:
    """The identities an owner filter's user id stands for: all of its person's; none when unknown."""
    try:
        identity = await identity_for(info, global_id)
    except NotFound:
        return ()
    except SourceError as exc:  # the identity's own source is down: it stands for itself alone
        report_errors(info, [exc])
        return (models.UserRef(global_id.source, global_id.native_id),)
    return tuple(identity_ref(user) for user in await identities_of(info, identity))
