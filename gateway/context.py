"""The typed context every resolver receives as ``info.context``."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from starlette.requests import HTTPConnection

from gateway.errors import GatewayError
from gateway.loaders import Loaders
from gateway.principal import Principal
from gateway.services import Services

__all__ = ["Context"]


@dataclasses.dataclass
class Context:
    services: Services
    principal: Principal
    connection: HTTPConnection
    # Errors of one source that did not stop the others answering; reported next to the data.
    partial_errors: list[GatewayError] = dataclasses.field(default_factory=list)
    # Why fields answered null though nothing failed (e.g. a count a source cannot give).
    notices: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @functools.cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.services.sources, self.services.annotations)
