"""Genesys Cloud Platform API v2 (recordings) sandbox."""

from .app import DEFAULT_CREDENTIALS, KIND, connection_info, create_app
from .auth import Credentials

__all__ = ["DEFAULT_CREDENTIALS", "KIND", "Credentials", "connection_info", "create_app"]
