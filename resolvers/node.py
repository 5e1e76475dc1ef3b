"""Relay's ``node``/``nodes``: any object by its global id."""

import asyncio

import strawberry

from gateway.errors import GatewayError, InvalidId
from gateway.ids import GlobalId
from resolvers.common import Info, Node
from resolvers.policies import RetentionPolicy
from resolvers.recordings import load_recording, load_user

__all__ = ["NodeQuery"]


async def _load(info: Info, id: strawberry.ID) -> Node:
    global_id = GlobalId.decode(id)
    if global_id.type == "Recording":
        return await load_recording(info, global_id)
    if global_id.type == "User":
        return await load_user(info, global_id)
    if global_id.type == "RetentionPolicy" and global_id.source == info.context.services.local.instance:
        return RetentionPolicy.from_domain(await info.context.services.local.policies.get(global_id.native_id))
    raise InvalidId(f"{global_id.type} objects cannot be fetched by id")


@strawberry.type
class NodeQuery:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node:
        return await _load(info, id)

    @strawberry.field(description="Several objects by id, in order; null (with an error) for each one not found.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        async def one(id: strawberry.ID) -> Node | None:
            try:
                return await _load(info, id)
            except GatewayError as exc:
                info.context.partial_errors.append(exc)
                return None

        # All at once: the loaders batch them, and a slow source's ids do not hold up the others'.
        return list(await asyncio.gather(*(one(id) for id in ids)))
