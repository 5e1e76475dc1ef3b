"""Webex Calling converged recordings: the connector (`source`), its mapping and time-window walk."""

from gateway.sources.webex.source import ListFilter, WebexSource

__all__ = ["ListFilter", "WebexSource"]
