"""Call route: the call a recording belongs to."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandboxes.bandwidth.context import Context
from sandboxes.bandwidth.data import USER_PATH
from sandboxes.bandwidth.errors import call_not_found
from sandboxes.bandwidth.render import call_json

__all__ = ["routes"]


def routes(context: Context) -> list[Route]:
    """``GET /v1/users/{userId}/calls/{callId}``."""
    account = context.account

    async def get_call(request: Request) -> Response:
        context.authorize(request)
        call_id = request.path_params["callId"]
        index = account.by_call.get(call_id)
        if index is None:
            raise call_not_found(call_id)
        return JSONResponse(call_json(request, account, index))

    return [Route(f"{USER_PATH}/calls/{{callId}}", get_call, methods=["GET"])]
