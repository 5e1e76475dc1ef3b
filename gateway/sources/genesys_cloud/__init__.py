"""Genesys Cloud connector: `GenesysCloudSource` and its vendor-only operations (`GenesysCloudAdmin`)."""

from gateway.sources.genesys_cloud.admin import GenesysCloudAdmin
from gateway.sources.genesys_cloud.dialect import GenesysDialect
from gateway.sources.genesys_cloud.source import GenesysCloudSource

__all__ = ["GenesysCloudAdmin", "GenesysCloudSource", "GenesysDialect"]
