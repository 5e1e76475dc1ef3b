"""The deadline of every query and mutation, set once as its execution starts (HTTP or websocket)."""

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from gateway.deadline import request_deadline

__all__ = ["RequestDeadline"]


class RequestDeadline(SchemaExtension):
    """Makes the operation's deadline (``request_timeout_s`` from now) current while it executes.

    A subscription gets none: it lasts as long as its client listens, and its events are the
    changes themselves, resolved without calling a source.
    """

    def on_execute(self) -> Iterator[None]:
        if self.execution_context.operation_type is OperationType.SUBSCRIPTION:
            yield
            return
        with request_deadline(self.execution_context.context.services.settings.request_timeout_s):
            yield
