"""Webex (Webex Calling converged recordings) sandbox: see `sandboxes.webex.app`."""

from sandboxes.webex.app import KIND, connection_info, create_app

__all__ = ["KIND", "connection_info", "create_app"]
