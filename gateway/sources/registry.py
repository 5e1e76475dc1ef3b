"""Build connectors from configuration: one factory per source kind, one way to build an `Upstream`."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections.abc import Mapping

import httpx

from gateway.cache import Cache
from gateway.config import SourceConfig
from gateway.models import SourceKind
from gateway.sources.base import Source
from gateway.sources.upstream import Backoff, CircuitBreaker, Dialect, Retry, Upstream

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
    ``max_concurrency``, ``breaker_threshold``, ``breaker_reset_s``, ``retry_max_wait_s``)."""
    options = config.options
    client = httpx.AsyncClient(
        base_url=config.base_url,
        auth=auth,
        timeout=httpx.Timeout(float(options.get("timeout_s", 10.0))),
        limits=httpx.Limits(max_connections=int(options.get("max_concurrency", 8)) * 2),
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
        max_concurrency=int(options.get("max_concurrency", 8)),
    )


def has_connector(kind: SourceKind) -> bool:
    """Whether this installation has a connector for `kind`."""
    return kind in _CONNECTORS and importlib.util.find_spec(_CONNECTORS[kind].partition(":")[0]) is not None


def create_source(config: SourceConfig, deps: SourceDeps) -> Source:
    """The connector for `config`, by its kind."""
    module_name, _, class_name = _CONNECTORS[config.kind].partition(":")
    connector = getattr(importlib.import_module(module_name), class_name)
    source: Source = connector.from_config(config, deps)
    return source
