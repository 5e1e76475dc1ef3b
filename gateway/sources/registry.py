"""Build connectors from configuration: one factory per source kind, one way to build an `Upstream`."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections.abc import Mapping

import httpx

from gateway.cache import Cache, RedisCache
from gateway.config import SourceConfig
from gateway.models import SourceKind
from gateway.sources.base import Source
from gateway.sources.upstream import Backoff, CircuitBreaker, Dialect, Retry, Upstream
from gateway.sources.upstream.pacer import LocalWindows, PacedTransport, Pacer, Pacing, RedisWindows, Windows

__all__ = ["SourceDeps", "create_source", "has_connector", "upstream_for"]

_CONNECTORS = {
    SourceKind.BANDWIDTH: "gateway.sources.bandwidth:BandwidthSource",
    SourceKind.WEBEX: "gateway.sources.webex:WebexSource",
    SourceKind.GENESYS_CLOUD: "gateway.sources.genesys_cloud:GenesysCloudSource",
    SourceKind.GENESYS_ENGAGE: "gateway.sources.genesys_engage:GenesysEngageSource",
}


@dataclasses.dataclass(frozen=True)
class SourceDeps:
    """What the gateway hands every connector it builds."""

    cache: Cache
    ttls: Mapping[str, float]


def upstream_for(
    config: SourceConfig, deps: SourceDeps, *, dialect: Dialect, auth: httpx.Auth | None = None
) -> Upstream:
    """The `Upstream` of one source instance, tuned by its options (``timeout_s``, ``retries``,
    ``breaker_threshold``, ``breaker_reset_s``, ``retry_max_wait_s``, and the pacing ones of
    `Pacing.from_options`, over the dialect's stated rate limit)."""
    options = config.options
    pacing = Pacing.from_options(config.instance, options, dialect.rate_limit)
    pacer = Pacer(config.instance, _windows(deps.cache, pacing), pacing)
    connections = httpx.Limits(max_connections=pacing.max_concurrency * 2)
    client = httpx.AsyncClient(
        base_url=config.base_url,
        auth=auth,
        timeout=httpx.Timeout(float(options.get("timeout_s", 10.0))),
        transport=PacedTransport(httpx.AsyncHTTPTransport(limits=connections), pacer, dialect),
        headers={"Accept": "application/json", "User-Agent": "recording-gateway"},
    )
    return Upstream(
        config.instance,
        client,
        dialect=dialect,
        cache=deps.cache,
        ttls=deps.ttls,
        retry=Retry(
            Backoff(), retries=int(options.get("retries", 2)), max_wait_s=float(options.get("retry_max_wait_s", 5.0))
        ),
        breaker=CircuitBreaker(int(options.get("breaker_threshold", 5)), float(options.get("breaker_reset_s", 30.0))),
    )


def _windows(cache: Cache, pacing: Pacing) -> Windows:
    """Where the pacer counts: in Redis, shared by the replicas, when the cache is Redis."""
    if isinstance(cache, RedisCache):
        return RedisWindows(cache.client, cache.prefix, share=pacing.fallback_share)
    return LocalWindows()


def has_connector(kind: SourceKind) -> bool:
    """Whether this installation has a connector for `kind`."""
    return kind in _CONNECTORS and importlib.util.find_spec(_CONNECTORS[kind].partition(":")[0]) is not None


def create_source(config: SourceConfig, deps: SourceDeps) -> Source:
    """The connector for `config`, by its kind."""
    module_name, _, class_name = _CONNECTORS[config.kind].partition(":")
    connector = getattr(importlib.import_module(module_name), class_name)
    source: Source = connector.from_config(config, deps)
    return source
