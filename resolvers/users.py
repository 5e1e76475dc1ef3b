"""People: a person by id, and people by search, each once (the User type is in resolvers.recordings)."""

from typing import Annotated

import strawberry

from gateway.cursors import query_digest
from gateway.ids import GlobalId
from gateway.merge.people import merge_people
from resolvers.common import DEFAULT_PAGE_SIZE, Connection, Edge, Info, PageInfo, check_page_size
from resolvers.identities import USER_ID, report_errors
from resolvers.recordings import User, load_user

__all__ = ["UserQuery"]


@strawberry.type
class UserQuery:
    @strawberry.field
    async def user(self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description=USER_ID)]) -> User:
        return await load_user(info, GlobalId.decode(id, expected_type="User"))

    @strawberry.field(
        description="People with an identity matching `search` in a source with users, each once "
        "(identities joined by email), ordered by email."
    )
    async def users(
        self, info: Info, search: str | None = None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[User]:
        check_page_size(first)
        sources = list(info.context.services.sources.values())
        cursors = info.context.services.cursors
        digest = query_digest({"people": search or ""})
        result = await merge_people(sources, search, cursors.decode(after, digest) if after else {}, first)
        report_errors(info, result.errors)
        edges = [
            Edge(node=User.from_domain(identities[0]), cursor=cursors.encode(digest, position))
            for identities, position in zip(result.items, result.positions, strict=True)
        ]
        # A page can be empty yet unfinished (a source failed): it still resumes.
        end = edges[-1].cursor if edges else cursors.encode(digest, result.final) if result.has_next else None
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=result.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=end,
            ),
        )
