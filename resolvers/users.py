"""People: one `User` per person, every source identity sharing an email (case-insensitive)."""

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway import models
from gateway.cursors import query_digest
from gateway.errors import GatewayError, NotFound, SourceError, Unsupported
from gateway.identities import PEOPLE_SOURCE, find_identities, person_id
from gateway.ids import GlobalId
from gateway.merge.people import merge_people
from gateway.query import RecordingFilter as DomainFilter
from resolvers.common import DEFAULT_PAGE_SIZE, Connection, Edge, Info, Node, PageInfo, check_page_size

if TYPE_CHECKING:
    from resolvers.recordings import RecordingConnection, RecordingFilter, RecordingOrder

__all__ = ["USER_ID", "User", "UserIdentity", "UserQuery", "load_user", "owner_identities", "user_of"]

USER_ID = "A person's id, or the id of one of their source identities (which stands for the person)."
_LAZY = strawberry.lazy("resolvers.recordings")


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
        return cls(id=strawberry.ID(GlobalId(user.source, "User", user.source_id).encode()), source=user.source,
                   source_id=user.source_id, name=user.name, email=user.email, username=user.username,
                   state=user.state)


@strawberry.federation.type(
    keys=["id"],
    description="A person: every source identity sharing an email, compared case-insensitively (an identity "
    "without an email is a person of its own). The id is the person's, the same whichever identity led here; "
    "the other fields are that identity's.",
)
class User(Node):
    name: str | None
    email: str | None
    username: str | None
    first_name: str | None
    last_name: str | None
    title: str | None
    department: str | None
    state: str | None
    _identity: strawberry.Private[models.User]

    @classmethod
    def from_domain(cls, user: models.User) -> "User":
        return cls(
            id=strawberry.ID(person_id(user).encode()),
            name=user.name, email=user.email, username=user.username, first_name=user.first_name,
            last_name=user.last_name, title=user.title, department=user.department, state=user.state,
            _identity=user,
        )

    @strawberry.field(description="Every identity of the person: the email looked up in every source with users.")
    async def identities(self, info: Info) -> list[UserIdentity]:
        return [UserIdentity.from_domain(user) for user in await identities_of(info, self._identity)]

    @strawberry.field(description="`recordings` scoped to the person: what any of their identities owns, in every "
                      "source.")
    async def recordings(
        self,
        info: Info,
        filter: Annotated["RecordingFilter", _LAZY] | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        order_by: Annotated["RecordingOrder", _LAZY] | None = None,
    ) -> Annotated["RecordingConnection", _LAZY]:
        from resolvers.recordings import recording_connection  # resolvers.recordings imports this module

        wanted = await filter.to_domain(info) if filter else DomainFilter()
        owners = tuple(_ref(user) for user in await identities_of(info, self._identity))
        if wanted.owners is not None:  # and an `owner` of the filter: both must hold
            owners = tuple(owner for owner in owners if owner in wanted.owners)
        return await recording_connection(info, dataclasses.replace(wanted, owners=owners), order_by,
                                          first=first, after=after, last=last, before=before)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> "User":
        return await load_user(info, GlobalId.decode(id, expected_type="User"))


def _ref(user: models.User) -> models.UserRef:
    return models.UserRef(user.source, user.source_id)


def _report(info: Info, errors: Sequence[GatewayError]) -> None:
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
    _report(info, found.errors)
    return found.users


async def identities_of(info: Info, identity: models.User) -> list[models.User]:
    """The identities of `identity`'s person (itself alone when it has no email)."""
    if not identity.email:
        return [identity]
    found = await _with_email(info, identity.email)
    return found if _ref(identity) in map(_ref, found) else [identity, *found]


async def load_user(info: Info, global_id: GlobalId) -> User:
    """The person with a person id, or the person of an identity id."""
    if global_id.source == PEOPLE_SOURCE:
        found = await _with_email(info, global_id.native_id)
        if not found:
            raise NotFound(f"no user has the email {global_id.native_id}")
        return User.from_domain(found[0])
    return User.from_domain(await _identity(info, global_id))


async def user_of(info: Info, ref: models.UserRef | None) -> User | None:
    """The person behind a source's user reference (one batched `get_users` call, no look-up by email)."""
    return await load_user(info, GlobalId(ref.source, "User", ref.source_id)) if ref else None


async def owner_identities(info: Info, global_id: GlobalId) -> tuple[models.UserRef, ...]:
    """The identities an owner filter's user id stands for: all of its person's; none when unknown."""
    try:
        user = await load_user(info, global_id)
    except NotFound:
        return ()
    except SourceError as exc:  # the identity's own source is down: it stands for itself alone
        _report(info, [exc])
        return (models.UserRef(global_id.source, global_id.native_id),)
    return tuple(_ref(identity) for identity in await identities_of(info, user._identity))


@strawberry.type
class UserQuery:
    @strawberry.field
    async def user(self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description=USER_ID)]) -> User:
        return await load_user(info, GlobalId.decode(id, expected_type="User"))

    @strawberry.field(description="People with an identity matching `search` in a source with users, each once "
                      "(identities joined by email), ordered by email.")
    async def users(
        self, info: Info, search: str | None = None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[User]:
        check_page_size(first)
        sources = list(info.context.services.sources.values())
        cursors = info.context.services.cursors
        digest = query_digest({"people": search or ""})
        result = await merge_people(sources, search, cursors.decode(after, digest) if after else {}, first)
        _report(info, result.errors)
        edges = [Edge(node=User.from_domain(identities[0]), cursor=cursors.encode(digest, position))
                 for identities, position in zip(result.items, result.positions, strict=True)]
        # A page can be empty yet unfinished (a source failed): it still resumes.
        end = edges[-1].cursor if edges else cursors.encode(digest, result.final) if result.has_next else None
        return Connection(edges=edges, page_info=PageInfo(
            has_next_page=result.has_next, has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None, end_cursor=end,
        ))
