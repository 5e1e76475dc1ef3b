"""Genesys Engage Web Services (GWS/RWS) recording sandbox: see `sandboxes.genesys_engage.app`."""

from sandboxes.genesys_engage.app import KIND, connection_info, create_app

__all__ = ["KIND", "connection_info", "create_app"]
