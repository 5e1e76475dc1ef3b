"""The assembled Federation v2 schema of the gateway."""

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, ParserCache, QueryDepthLimiter, ValidationCache
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from resolvers.annotations import AnnotationMutation
from resolvers.deadline import RequestDeadline
from resolvers.errors import ErrorCodes, is_unexpected
from resolvers.genesys_cloud import GenesysCloudMutation, GenesysCloudRoot
from resolvers.genesys_engage import GenesysEngageMutation, GenesysEngageQuery
from resolvers.ingest import IngestMutation
from resolvers.node import NodeQuery
from resolvers.notices import Notices
from resolvers.policies import PolicyMutation, PolicyQuery
from resolvers.recording_query import RecordingQuery
from resolvers.sources import SourceQuery
from resolvers.subscriptions import Subscription
from resolvers.users import UserQuery
from resolvers.webex import WebexMutation, WebexQuery

__all__ = ["schema"]

logger = logging.getLogger("recgate.graphql")

Query = merge_types(
    "Query",
    (NodeQuery, RecordingQuery, UserQuery, PolicyQuery, SourceQuery, GenesysCloudRoot, WebexQuery, GenesysEngageQuery),
)
Mutation = merge_types(
    "Mutation",
    (IngestMutation, AnnotationMutation, PolicyMutation, GenesysCloudMutation, WebexMutation, GenesysEngageMutation),
)


class GatewaySchema(strawberry.federation.Schema):
    """Logs only unexpected errors (with their traceback); client errors are the client's business."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            if is_unexpected(error):
                logger.error("unexpected error in %s", error.path, exc_info=error.original_error)


schema = GatewaySchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=[
        ErrorCodes,
        Notices,
        RequestDeadline,
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: QueryDepthLimiter(max_depth=12),
        lambda: MaxTokensLimiter(max_token_count=4000),
        lambda: MaxAliasesLimiter(max_alias_count=30),
    ],
)
