"""Every GraphQL error leaves with ``extensions.code``; unexpected ones are masked and logged."""

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.errors import GatewayError

__all__ = ["ErrorCodes", "is_unexpected", "with_code"]

INTERNAL_MESSAGE = "Internal server error."


def _gateway_error(error: GraphQLError) -> GatewayError | None:
    original: BaseException | None = error.original_error
    while original is not None and not isinstance(original, GatewayError):
        original = original.__cause__ if isinstance(original, GraphQLError) else None
    return original


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors raised while resolving a field that are not gateway errors: bugs, masked and logged.

    Errors without a path come before execution (syntax, validation, variable coercion): the client's.
    """
    return error.path is not None and error.original_error is not None and _gateway_error(error) is None


def with_code(error: GraphQLError) -> GraphQLError:
    """`error` with ``extensions.code`` set, its message masked when unexpected."""
    extensions = dict(error.extensions or {})
    gateway_error = _gateway_error(error)
    if gateway_error is not None:
        extensions.update(code=gateway_error.code, **gateway_error.extensions())
        message = gateway_error.message
    elif is_unexpected(error):
        extensions["code"] = "INTERNAL_SERVER_ERROR"
        message = INTERNAL_MESSAGE
    else:
        message = error.message
        if message.startswith("Syntax Error"):
            extensions.setdefault("code", "GRAPHQL_PARSE_FAILED")
        elif message.startswith("Variable '$"):
            extensions.setdefault("code", "BAD_USER_INPUT")
        elif error.path is None:
            extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
        else:
            extensions.setdefault("code", "INTERNAL_SERVER_ERROR")
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )


class ErrorCodes(SchemaExtension):
    """Adds the per-source partial errors of the request, then a ``code`` to every error.

    Errors raised by other extensions before parsing completes (e.g. a syntax error found by the
    parser cache) bypass this hook; the HTTP view applies `with_code` to those.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None:
            return
        context = self.execution_context.context
        partial = [GraphQLError(e.message, original_error=e) for e in getattr(context, "partial_errors", [])]
        errors = [*(result.errors or []), *partial]
        if errors:
            result.errors = [with_code(error) for error in errors]
