"""How Genesys Cloud fails and where it issues tokens."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import httpx

from gateway.errors import GatewayError, SourceRejected
from gateway.sources.upstream import Dialect
from gateway.sources.upstream.pacer import RateLimit

__all__ = ["GenesysDialect", "token_url"]


class GenesysDialect(Dialect):
    """Status codes map as everywhere; a refused request (4xx) carries the vendor's ``code`` and
    ``message`` (the ErrorBody), which say what was wrong with the input and hold no secrets.

    Limits count per token (``token.rate.per.minute``), and token grants per OAuth client
    (``client.credentials.token.rate.per.minute``): both 300 a minute, keyed by the
    ``Authorization`` header (Bearer token, or the client's Basic credentials)."""

    rate_limit = RateLimit(300, 60.0)

    def failure(self, source: str, response: httpx.Response) -> GatewayError | None:
        failure = super().failure(source, response)
        if not isinstance(failure, SourceRejected):
            return failure
        try:
            body = response.json()
        except ValueError:
            return failure
        if not isinstance(body, dict) or not isinstance(body.get("message"), str):
            return failure
        what = f"{response.request.method} {response.request.url.path} answered {response.status_code}"
        return SourceRejected(
            source, f"{what} ({body.get('code', 'error')}: {body['message']})", status_code=response.status_code
        )


def token_url(base_url: str) -> str:
    """The OAuth token endpoint for an API base URL, as the SDK derives it: ``api.<region>`` ->
    ``login.<region>``; any other host (a sandbox, a proxy) serves ``/oauth/token`` itself."""
    parts = urlsplit(base_url)
    host = parts.netloc
    if host.startswith("api."):
        host = "login." + host.removeprefix("api.")
    return urlunsplit((parts.scheme, host, "/oauth/token", "", ""))
