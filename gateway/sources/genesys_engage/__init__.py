"""Genesys Engage Web Services connector: `GenesysEngageSource` (see its module)."""

from gateway.sources.genesys_engage.dialect import EngageDialect
from gateway.sources.genesys_engage.session import EngageSession
from gateway.sources.genesys_engage.source import GenesysEngageSource, NativePage

__all__ = ["EngageDialect", "EngageSession", "GenesysEngageSource", "NativePage"]
