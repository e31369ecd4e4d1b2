"""Every API test runs two ways: in-process through the ASGI app, and against a real
uvicorn process on a free port (the second catches threads, startup and background work)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.settings import Settings
from tests.helpers import LiveServer, server_variables

# The suite is immune to the shell it runs in: an exported MOCKCML_CONTROL_TOKEN or
# MOCKCML_DEFAULT_OUTCOME would otherwise change every in-process app (Settings() reads the
# environment) and every live server. Tests that want a setting pass it explicitly.
for _name in server_variables(os.environ):
    del os.environ[_name]


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = LiveServer(env={"MOCKCML_TIME_SCALE": "0"})
    with server:
        yield server


def make_asgi_client(**settings: object) -> TestClient:
    return TestClient(create_app(Settings(**settings)), raise_server_exceptions=False)


@pytest.fixture(params=["asgi", "live"])
def api(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """An HTTP client for a fresh (asgi) or shared (live) mockcml with runs finishing at once."""
    if request.param == "asgi":
        with make_asgi_client(time_scale=0) as client:
            yield client
    else:
        server: LiveServer = request.getfixturevalue("live_server")
        with server.client() as client:
            yield client
