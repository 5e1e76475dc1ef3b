"""Bandwidth Catapult v1 sandbox: a user's call recordings, calls and media over HTTP."""

from sandboxes.bandwidth.app import KIND, STATED_LIMIT, CatapultSettings, connection_info, create_app
from sandboxes.bandwidth.credentials import DEFAULT_CREDENTIALS, Credentials

__all__ = [
    "DEFAULT_CREDENTIALS",
    "KIND",
    "STATED_LIMIT",
    "CatapultSettings",
    "Credentials",
    "connection_info",
    "create_app",
]
