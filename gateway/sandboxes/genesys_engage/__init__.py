"""Genesys Engage Web Services (GWS/RWS) recording sandbox: see `gateway.sandboxes.genesys_engage.app`."""

from gateway.sandboxes.genesys_engage.app import KIND, connection_info, create_app

__all__ = ["KIND", "connection_info", "create_app"]
