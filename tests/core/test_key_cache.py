"""Remembered API keys (core/auth.py KeyCache) never outlive what the database says.

Each test first uses a key, so that it is remembered, then changes the key or its user in
some way and checks that the very next call sees the change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from mockcml.app import create_app
from mockcml.resources.users.service import add_key, create_user, get_user
from mockcml.settings import Settings
from tests.helpers import assert_envelope, auth

KEY = "cached-key"


@contextmanager
def client_with_key(**settings: object) -> Iterator[TestClient]:
    """A mock whose user ``carol`` (a site admin) holds ``KEY``, already used once."""
    app = create_app(Settings(**settings))
    with TestClient(app, raise_server_exceptions=False) as client:
        with app.state.mock.db.transaction() as session:
            carol = create_user(session, "carol", is_admin=True, now=0.0)
            add_key(session, carol, KEY, key_id="carol-key")
        assert client.get("/api/v2/projects", headers=auth(KEY)).status_code == 200
        assert KEY in str(app.state.mock.key_cache.known)
        yield client


def _sql(client: TestClient, statement: str) -> None:
    with client.app.state.mock.db.transaction() as session:
        session.execute(text(statement))


def test_a_remembered_key_is_not_looked_up_again(monkeypatch):
    from mockcml.core import auth as auth_module

    with client_with_key() as client:
        lookups = []
        real = auth_module._lookup
        monkeypatch.setattr(auth_module, "_lookup", lambda *a: lookups.append(1) or real(*a))
        for _ in range(3):
            assert client.get("/api/v2/projects", headers=auth(KEY)).status_code == 200
        assert lookups == []
        _sql(client, "UPDATE users SET name = 'Carol' WHERE username = 'carol'")
        assert client.get("/api/v2/projects", headers=auth(KEY)).status_code == 200
        assert lookups == [1]  # any change to users is looked up again


def test_deleted_key_fails_at_once_through_the_api():
    with client_with_key() as client:
        deleted = client.delete("/api/v2/users/carol/v2_keys/carol-key", headers=auth())
        assert deleted.status_code == 200, deleted.text
        assert_envelope(client.get("/api/v2/projects", headers=auth(KEY)), 401, 16)


def test_deleted_user_fails_at_once():
    with client_with_key() as client:
        _sql(client, "DELETE FROM api_keys WHERE user_id = "
                     "(SELECT id FROM users WHERE username = 'carol')")
        _sql(client, "DELETE FROM users WHERE username = 'carol'")
        assert_envelope(client.get("/api/v2/projects", headers=auth(KEY)), 401, 16)


def test_role_change_applies_at_once():
    with client_with_key() as client:
        admin_only = "/api/v2/cpuprofiles"
        assert client.get(admin_only, headers=auth(KEY)).status_code == 200
        _sql(client, "UPDATE users SET is_admin = false WHERE username = 'carol'")
        assert_envelope(client.get(admin_only, headers=auth(KEY)), 403, 7)
        _sql(client, "UPDATE users SET is_admin = true WHERE username = 'carol'")
        assert client.get(admin_only, headers=auth(KEY)).status_code == 200


def test_audience_change_applies_at_once():
    with client_with_key() as client:
        _sql(client, "UPDATE api_keys SET audiences = 'Application' WHERE key_id = 'carol-key'")
        assert_envelope(client.get("/api/v2/projects", headers=auth(KEY)), 403, 7)


def test_key_expires_by_the_mock_clock():
    app = create_app(Settings())
    with TestClient(app, raise_server_exceptions=False) as client:
        mock = app.state.mock
        with mock.db.transaction() as session:
            from mockcml.kit.wire import timestamp

            add_key(session, get_user(session, "admin"), KEY,
                    expiry_date=timestamp(mock.clock.now() + 3600))
        for _ in range(2):  # the second answer comes from the remembered key
            assert client.get("/api/v2/projects", headers=auth(KEY)).status_code == 200
        assert client.post("/_mock/clock/advance", json={"by": "2h"}).status_code == 200
        response = client.get("/api/v2/projects", headers=auth(KEY))
        assert_envelope(response, 401, 16)
        assert "expired" in response.json()["message"]


def test_snapshot_restore_brings_back_the_keys_it_held():
    with client_with_key() as client:
        assert client.post("/_mock/snapshots", json={"name": "with-carol"}).status_code == 200
        client.delete("/api/v2/users/carol/v2_keys/carol-key", headers=auth())
        assert_envelope(client.get("/api/v2/projects", headers=auth(KEY)), 401, 16)
        restored = client.post("/_mock/snapshots/with-carol/restore")
        assert restored.status_code == 200
        assert client.get("/api/v2/projects", headers=auth(KEY)).status_code == 200


def test_reset_forgets_keys_made_since():
    with client_with_key() as client:
        assert client.post("/_mock/reset").status_code == 200
        assert_envelope(client.get("/api/v2/projects", headers=auth(KEY)), 401, 16)


def test_write_by_another_process_to_a_database_file(tmp_path: Path):
    """Another process (here a plain sqlite3 connection) deletes the key: no trigger of
    this process runs, the database's own triggers change the token."""
    path = tmp_path / "mock.db"
    with client_with_key(db=str(path)) as client:
        other = sqlite3.connect(path)
        try:
            other.execute("DELETE FROM api_keys WHERE key_id = 'carol-key'")
            other.commit()
        finally:
            other.close()
        assert_envelope(client.get("/api/v2/projects", headers=auth(KEY)), 401, 16)


@pytest.mark.parametrize("header", ["Bearer nope", "", "Basic eA=="])
def test_bad_keys_are_never_remembered(header):
    with client_with_key() as client:
        before = dict(client.app.state.mock.key_cache.known)
        assert_envelope(client.get("/api/v2/projects", headers={"authorization": header}), 401, 16)
        assert client.app.state.mock.key_cache.known == before
