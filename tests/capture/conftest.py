"""A demo-seeded mockcml in-process, and a capture source that talks to it over ASGI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.capture.client import HttpSource
from mockcml.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEMO = str(ROOT / "fixtures" / "demo.yaml")


def serve(*fixtures: str, **settings: object) -> TestClient:
    app = create_app(Settings(fixtures=list(fixtures), **settings))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def demo() -> Iterator[TestClient]:
    with serve(DEMO) as client:
        # Frozen: nothing moves between reading the world and comparing it.
        assert client.post("/_mock/clock/freeze").status_code == 200
        yield client


def source(client: TestClient, key: str = "mockcml-admin-key", **options: object) -> HttpSource:
    """An HttpSource whose calls go to ``client``'s app (never to the network)."""
    return HttpSource("http://testserver", key, transport=client._transport, **options)
