"""Notices: why a field answered null though nothing failed, reported in the response's `extensions.notices`."""

from typing import Any

from strawberry.extensions import SchemaExtension

__all__ = ["Notices"]


class Notices(SchemaExtension):
    """Adds the request's notices (``info.context.notices``) to the response extensions."""

    def get_results(self) -> dict[str, Any]:
        notices = getattr(self.execution_context.context, "notices", None)
        return {"notices": notices} if notices else {}
