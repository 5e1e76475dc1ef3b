"""Webex (Webex Calling converged recordings) sandbox: see `gateway.sandboxes.webex.app`."""

from gateway.sandboxes.webex.app import KIND, connection_info, create_app

__all__ = ["KIND", "connection_info", "create_app"]
