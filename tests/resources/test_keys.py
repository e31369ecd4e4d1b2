"""API v2 keys and users: who manages whose keys, keys working and dying at once, expiry."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from mockcml.app import create_app
from mockcml.kit.wire import timestamp
from mockcml.resources.users.tables import User
from mockcml.settings import Settings
from tests.helpers import assert_envelope, auth, unique

DETAIL_FIELDS = {"key_id", "created_at", "expiry_date", "comments", "audiences"}


def _create(client, username="admin", key=None, **body):
    return client.post(f"/api/v2/users/{username}/v2_keys", json=body,
                       headers=auth(key) if key else auth())


def _keys(client, username="admin", key=None):
    response = client.get(f"/api/v2/users/{username}/v2_keys",
                          headers=auth(key) if key else auth())
    assert response.status_code == 200, response.text
    return response.json()["keys"]


def _whoami(client, key):
    return client.post("/api/v2/auth/validate_key", headers=auth(key))


def _user_id(client, username):
    with client.app.state.mock.db.transaction() as session:
        return session.exec(select(User.id).where(User.username == username)).one()


class TestRefused:
    def test_unauthenticated(self, api):
        assert_envelope(api.get("/api/v2/users/admin/v2_keys"), 401, 16)
        assert_envelope(api.post("/api/v2/users/admin/v2_keys", json={}), 401, 16)
        assert_envelope(api.get("/api/v2/users/1"), 401, 16)

    def test_unknown_username_is_404(self, api):
        name = unique("ghost")
        assert_envelope(_create(api, name), 404, 5)
        assert_envelope(api.get(f"/api/v2/users/{name}/v2_keys", headers=auth()), 404, 5)
        assert_envelope(api.delete(f"/api/v2/users/{name}/v2_keys", headers=auth()), 404, 5)
        assert_envelope(api.delete(f"/api/v2/users/{name}/v2_keys/k", headers=auth()), 404, 5)

    def test_unknown_username_is_404_for_a_plain_user_too(self, world):
        assert_envelope(_create(world, "nobody", "bob-key"), 404, 5)

    def test_another_users_keys_are_403(self, world):
        h = auth("bob-key")
        assert_envelope(_create(world, "alice", "bob-key"), 403, 7)
        assert_envelope(world.get("/api/v2/users/alice/v2_keys", headers=h), 403, 7)
        assert_envelope(world.delete("/api/v2/users/alice/v2_keys", headers=h), 403, 7)
        assert_envelope(world.delete("/api/v2/users/alice/v2_keys/x", headers=h), 403, 7)
        assert _whoami(world, "alice-key").status_code == 200  # nothing happened to alice

    @pytest.mark.parametrize(
        "body",
        [
            {"audiences": ["Admin"]},
            {"audiences": ["API", "api"]},
            {"audiences": "API"},
            {"expiry_date": "next tuesday"},
            {"expiry_date": "2030-13-01T00:00:00Z"},
            {"expiry_date": "2001-01-01T00:00:00Z"},
            {"comments": 5},
            {"username": "someone-else"},
        ],
    )
    def test_invalid_input_is_400_and_creates_nothing(self, api, body):
        before = {k["key_id"] for k in _keys(api)}
        response = api.post("/api/v2/users/admin/v2_keys", json=body, headers=auth())
        assert_envelope(response, 400, 3)
        assert {k["key_id"] for k in _keys(api)} == before

    def test_deleting_an_unknown_key_is_404(self, api):
        response = api.delete(f"/api/v2/users/admin/v2_keys/{unique('k')}", headers=auth())
        assert_envelope(response, 404, 5)

    def test_a_key_of_someone_else_cannot_be_deleted_through_ones_own_name(self, world):
        bob_key = _keys(world, "bob", "bob-key")[0]["key_id"]
        response = world.delete(f"/api/v2/users/alice/v2_keys/{bob_key}",
                                headers=auth("alice-key"))
        assert_envelope(response, 404, 5)
        assert _whoami(world, "bob-key").status_code == 200

    @pytest.mark.parametrize("user_id", ["0", "999999", "-1"])
    def test_unknown_user_id_is_404(self, api, user_id):
        assert_envelope(api.get(f"/api/v2/users/{user_id}", headers=auth()), 404, 5)

    @pytest.mark.parametrize("user_id", ["abc", "1.0", "١", "1_0", "9" * 40])
    def test_malformed_user_id_is_400(self, api, user_id):
        # user_id is an int32 in the contract: the gateway refuses what is not one.
        assert_envelope(api.get(f"/api/v2/users/{user_id}", headers=auth()), 400, 3)

    def test_a_secret_sent_by_the_client_is_ignored(self, api):
        # Not a field of the request: dropped like the real API drops it.
        response = api.post("/api/v2/users/admin/v2_keys", json={"secret": "mine"},
                            headers=auth())
        assert response.status_code == 200, response.text
        assert "mine" not in response.text


class TestKeys:
    def test_create_answers_the_secret_once_and_the_key_works_at_once(self, api):
        response = _create(api, comments="ci pipeline")
        assert response.status_code == 200, response.text
        created = response.json()
        assert set(created) == DETAIL_FIELDS | {"api_key"}
        assert created["comments"] == "ci pipeline" and created["audiences"] == ["API"]
        assert created["expiry_date"] == "" and created["created_at"].endswith("Z")
        head, dot, tail = created["api_key"].partition(".")
        assert dot and len(head) == len(tail) == 64  # hex64.hex64
        me = _whoami(api, created["api_key"])
        assert me.status_code == 200 and me.json()["username"] == "admin"
        listed = {k["key_id"]: k for k in _keys(api)}
        assert listed[created["key_id"]] == {k: created[k] for k in DETAIL_FIELDS}
        assert created["api_key"] not in api.get("/api/v2/users/admin/v2_keys",
                                                 headers=auth()).text
        api.delete(f"/api/v2/users/admin/v2_keys/{created['key_id']}", headers=auth())

    def test_list_entries_never_carry_a_secret(self, api):
        for entry in _keys(api):
            assert set(entry) == DETAIL_FIELDS

    def test_audiences_are_kept_and_checked_by_validate_key(self, api):
        created = _create(api, audiences=["Application", "Application"]).json()
        assert created["audiences"] == ["Application"]
        key = created["api_key"]
        ok = api.post("/api/v2/auth/validate_key", json={"audience": "Application"},
                      headers=auth(key))
        assert ok.status_code == 200
        assert_envelope(api.post("/api/v2/auth/validate_key", json={"audience": "API"},
                                 headers=auth(key)), 403, 7)
        both = _create(api, audiences=["API", "Application"]).json()
        assert both["audiences"] == ["API", "Application"]
        for made in (created, both):
            api.delete(f"/api/v2/users/admin/v2_keys/{made['key_id']}", headers=auth())

    @pytest.mark.parametrize(
        ("sent", "stored"),
        [
            ("2099-01-31T10:00:00Z", "2099-01-31T10:00:00Z"),
            ("2099-01-31T12:00:00+02:00", "2099-01-31T10:00:00Z"),
            ("2099-01-31", "2099-01-31T00:00:00Z"),
            ("", ""),
        ],
    )
    def test_expiry_date_is_stored_as_rfc3339_utc(self, api, sent, stored):
        created = _create(api, expiry_date=sent).json()
        assert created["expiry_date"] == stored
        assert _whoami(api, created["api_key"]).status_code == 200
        api.delete(f"/api/v2/users/admin/v2_keys/{created['key_id']}", headers=auth())

    def test_camel_case_body(self, api):
        created = _create(api, expiryDate="2099-05-01T00:00:00Z").json()
        assert created["expiry_date"] == "2099-05-01T00:00:00Z"
        api.delete(f"/api/v2/users/admin/v2_keys/{created['key_id']}", headers=auth())

    def test_deleted_key_stops_working_at_once(self, api):
        created = _create(api).json()
        key = created["api_key"]
        assert _whoami(api, key).status_code == 200
        response = api.delete(f"/api/v2/users/admin/v2_keys/{created['key_id']}", headers=auth())
        assert response.status_code == 200 and response.json() == {}
        assert_envelope(_whoami(api, key), 401, 16)
        assert created["key_id"] not in {k["key_id"] for k in _keys(api)}

    def test_a_key_may_delete_itself(self, api):
        created = _create(api).json()
        key = created["api_key"]
        response = api.delete(f"/api/v2/users/admin/v2_keys/{created['key_id']}",
                              headers=auth(key))
        assert response.status_code == 200 and response.json() == {}
        assert_envelope(_whoami(api, key), 401, 16)
        assert _whoami(api, "mockcml-admin-key").status_code == 200

    def test_a_user_manages_their_own_keys(self, world):
        created = _create(world, "bob", "bob-key", comments="laptop").json()
        assert _whoami(world, created["api_key"]).json()["username"] == "bob"
        assert {k["comments"] for k in _keys(world, "bob", "bob-key")} == {"", "laptop"}

    def test_a_site_admin_manages_anyones_keys(self, world):
        created = _create(world, "carol").json()
        assert _whoami(world, created["api_key"]).json()["username"] == "carol"
        assert created["key_id"] in {k["key_id"] for k in _keys(world, "carol")}
        response = world.delete(f"/api/v2/users/carol/v2_keys/{created['key_id']}",
                                headers=auth())
        assert response.status_code == 200
        assert_envelope(_whoami(world, created["api_key"]), 401, 16)

    def test_delete_all_keys_of_a_user(self, world):
        spare = _create(world, "dave", "dave-key").json()["api_key"]
        response = world.delete("/api/v2/users/dave/v2_keys", headers=auth("dave-key"))
        assert response.status_code == 200 and response.json() == {}
        for key in ("dave-key", spare):
            assert_envelope(_whoami(world, key), 401, 16)
        assert _keys(world, "dave") == []
        # Locked out, dave gets a new key from a site admin; nobody else lost theirs.
        fresh = _create(world, "dave").json()["api_key"]
        assert _whoami(world, fresh).json()["username"] == "dave"
        assert _whoami(world, "erin-key").status_code == 200

    def test_a_site_admin_deletes_all_keys_of_another_user(self, world):
        assert world.delete("/api/v2/users/frank/v2_keys", headers=auth()).status_code == 200
        assert_envelope(_whoami(world, "frank-key"), 401, 16)
        assert _whoami(world, "mockcml-admin-key").status_code == 200


class TestShortUser:
    def test_short_user_by_id(self, world):
        alice = world.get(f"/api/v2/users/{_user_id(world, 'alice')}", headers=auth("bob-key"))
        assert alice.status_code == 200
        assert alice.json() == {"username": "alice", "name": "alice",
                                "email": "alice@example.com"}

    def test_admin_by_id(self, api):
        # The built-in admin is the first user of every fresh server.
        response = api.get("/api/v2/users/1", headers=auth())
        assert response.status_code == 200 and response.json()["username"] == "admin"


class TestExpiry:
    def test_an_expired_key_fails_and_is_still_listed(self):
        app = create_app(Settings(time_scale=1))
        with TestClient(app, raise_server_exceptions=False) as client:
            clock = app.state.mock.clock
            clock.freeze()
            expires = math.floor(clock.now()) + 60  # whole seconds survive the round trip
            created = _create(client, expiry_date=timestamp(expires)).json()
            key = created["api_key"]
            clock.advance(expires - 1 - clock.now())
            assert _whoami(client, key).status_code == 200
            clock.advance(1)
            assert_envelope(_whoami(client, key), 401, 16)
            assert created["key_id"] in {k["key_id"] for k in _keys(client)}
            # An expiry the clock has already passed is refused.
            assert_envelope(_create(client, expiry_date=timestamp(expires)), 400, 3)
