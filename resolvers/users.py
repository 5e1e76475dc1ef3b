"""People: the users and agents that own or take part in recordings."""

import strawberry

from gateway import models
from gateway.errors import NotFound, Unsupported
from gateway.ids import GlobalId
from gateway.sources.base import Capability
from resolvers.common import DEFAULT_PAGE_SIZE, Connection, Info, Node, by_source_connection

__all__ = ["User", "UserIdentity", "UserQuery", "load_user"]


@strawberry.type(description="A user's identity in one source.")
class UserIdentity:
    source: str
    source_id: str


@strawberry.federation.type(keys=["id"])
class User(Node):
    name: str | None
    email: str | None
    username: str | None
    first_name: str | None
    last_name: str | None
    title: str | None
    department: str | None
    state: str | None
    identities: list[UserIdentity]

    @classmethod
    def from_domain(cls, user: models.User) -> "User":
        return cls(
            id=strawberry.ID(GlobalId(user.source, "User", user.source_id).encode()),
            name=user.name, email=user.email, username=user.username, first_name=user.first_name,
            last_name=user.last_name, title=user.title, department=user.department, state=user.state,
            identities=[UserIdentity(source=user.source, source_id=user.source_id)],
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> "User":
        return await load_user(info, GlobalId.decode(id, expected_type="User"))


async def load_user(info: Info, global_id: GlobalId) -> User:
    """A user by id, through the source's batched `get_users` (a directory to search is not needed)."""
    source = info.context.services.source(global_id.source)
    try:
        user = await info.context.loaders.users(source.instance).load(global_id.native_id)
    except Unsupported as exc:
        raise NotFound(f"source {source.instance} has no users") from exc
    if user is None:
        raise NotFound(f"user {global_id.native_id} not found in {source.instance}")
    return User.from_domain(user)


@strawberry.type
class UserQuery:
    @strawberry.field
    async def user(self, info: Info, id: strawberry.ID) -> User:
        return await load_user(info, GlobalId.decode(id, expected_type="User"))

    @strawberry.field(description="People across sources, by source, then by their id in it.")
    async def users(
        self, info: Info, search: str | None = None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[User]:
        sources = [s for s in info.context.services.sources.values() if Capability.USERS in s.capabilities]
        return await by_source_connection(
            info, sources, lambda source, position, limit: source.search_users(search, position, limit),
            User.from_domain, query={"users": search or ""}, first=first, after=after,
        )
