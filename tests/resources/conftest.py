"""A small world of users for permission tests, seeded straight through the services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.resources.users.service import add_key, create_user
from mockcml.settings import Settings

USERS = ("alice", "bob", "carol", "dave", "erin", "frank", "mallory")


@pytest.fixture
def world() -> Iterator[TestClient]:
    """alice owns things; the others get roles per test; mallory is a stranger."""
    app = create_app(Settings(time_scale=0))
    with TestClient(app, raise_server_exceptions=False) as client:
        with app.state.mock.db.transaction() as session:
            for name in USERS:
                add_key(session, create_user(session, name), f"{name}-key")
        yield client
