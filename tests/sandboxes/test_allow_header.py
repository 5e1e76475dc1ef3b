"""Every sandbox's 405 carries an ``Allow`` naming exactly the methods its URL answers."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route

from tests.sandboxes.every_sandbox import KINDS, opened

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


@pytest.mark.parametrize("kind", KINDS)
async def test_405_allow_lists_every_method_the_url_answers(kind: str) -> None:
    async with opened(kind, size=40) as sandbox:
        templates = {route.path for route in sandbox.app.routes if isinstance(route, Route)}
        refused = 0
        for template in sorted(templates):
            url = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: sandbox.path_values.get(m[1], "x1"), template)
            answers = {method: await sandbox.client.request(method, url) for method in _METHODS}
            allowed = {method for method, response in answers.items() if response.status_code != 405}
            for method, response in answers.items():
                if response.status_code == 405:
                    refused += 1
                    assert set(response.headers["allow"].split(", ")) == allowed, (kind, method, url)
                    assert response.headers["content-type"].startswith("application/json"), (kind, method, url)
        assert refused > len(templates)
