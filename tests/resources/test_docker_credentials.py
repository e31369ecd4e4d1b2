"""Docker credentials: site administration, secrets never read back, one default, and the
pairing of a runtime with its credential (SetDockerCredential)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from mockcml.resources.docker_credentials.tables import DockerCredential, RuntimeCredential
from tests.helpers import assert_envelope, auth, unique

BASE = "/api/v2/dockercredentials"
IMAGE = "registry.example.com/team/ml-runtime-jupyterlab-python3.11-standard:1.0.0-b1"
PUBLIC = {"id", "name", "server", "is_default"}


def _create(client, **fields):
    body = {"name": unique("cred"), "server": "registry.example.com", "username": "robot",
            "password": "s3cret-value", **fields}
    response = client.post(BASE, headers=auth(), json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _all(client):
    return client.get(BASE, headers=auth(), params={"page_size": 1000}).json()[
        "docker_credentials"]


@pytest.mark.parametrize("call", [
    ("GET", BASE, {}),
    ("POST", BASE, {"json": {"name": "x", "server": "r.example.com", "username": "u",
                             "password": "p"}}),
    ("PATCH", f"{BASE}/abc", {"json": {"name": "y"}}), ("DELETE", f"{BASE}/abc", {}),
])
def test_site_admin_only(world, call):
    method, path, kwargs = call
    assert_envelope(world.request(method, path, **kwargs), 401, 16)
    assert_envelope(world.request(method, path, headers=auth("alice-key"), **kwargs), 403, 7)
    assert _all(world) == []


def test_secrets_are_never_returned(api):
    made = _create(api, is_default=True)
    assert set(made) == PUBLIC and made["is_default"] is True
    listed = [c for c in _all(api) if c["id"] == made["id"]]
    assert listed == [made]
    changed = api.patch(f"{BASE}/{made['id']}", headers=auth(),
                        json={"password": "rotated", "server": "other.example.com:5000"})
    assert changed.status_code == 200 and set(changed.json()) == PUBLIC
    for text in (json.dumps(_all(api)), changed.text):
        assert "s3cret-value" not in text and "rotated" not in text and "robot" not in text


def test_the_password_is_stored_and_a_blank_one_keeps_it():
    from tests.conftest import make_asgi_client

    with make_asgi_client() as client:
        made = _create(client)
        client.patch(f"{BASE}/{made['id']}", headers=auth(), json={"password": ""})
        with client.app.state.mock.db.transaction() as session:
            assert session.get(DockerCredential, made["id"]).password == "s3cret-value"
        client.patch(f"{BASE}/{made['id']}", headers=auth(), json={"password": "new"})
        with client.app.state.mock.db.transaction() as session:
            assert session.get(DockerCredential, made["id"]).password == "new"


def test_one_default_at_a_time():
    from tests.conftest import make_asgi_client

    with make_asgi_client() as client:
        first = _create(client, is_default=True)
        second = _create(client, is_default=True)
        defaults = {c["id"]: c["is_default"] for c in _all(client)}
        assert defaults == {first["id"]: False, second["id"]: True}
        client.patch(f"{BASE}/{first['id']}", headers=auth(), json={"is_default": True})
        defaults = {c["id"]: c["is_default"] for c in _all(client)}
        assert defaults == {first["id"]: True, second["id"]: False}


@pytest.mark.parametrize("missing", ["name", "server", "username", "password"])
def test_create_needs_every_field(api, missing):
    body = {"name": unique("cred"), "server": "r.example.com", "username": "u", "password": "p"}
    del body[missing]
    before = _all(api)
    assert_envelope(api.post(BASE, headers=auth(), json=body), 400, 3)
    assert _all(api) == before


def test_bad_server_duplicate_name_and_unknown_id(api):
    assert_envelope(api.post(BASE, headers=auth(), json={
        "name": unique("c"), "server": "not a host!", "username": "u", "password": "p"}), 400, 3)
    made = _create(api)
    assert_envelope(api.post(BASE, headers=auth(), json={
        "name": made["name"], "server": "r.example.com", "username": "u", "password": "p"}),
        409, 6)
    assert_envelope(api.patch(f"{BASE}/nope-nope", headers=auth(), json={"name": "x"}), 404, 5)
    assert_envelope(api.delete(f"{BASE}/nope-nope", headers=auth()), 404, 5)
    assert api.delete(f"{BASE}/{made['id']}", headers=auth()).json() == {}
    assert made["id"] not in {c["id"] for c in _all(api)}


def test_filter_and_sort(api):
    tag = unique("flt")
    a = _create(api, name=f"{tag}-a", server="a.example.com")
    b = _create(api, name=f"{tag}-b", server="b.example.com")
    found = api.get(BASE, headers=auth(), params={
        "search_filter": json.dumps({"name": tag}), "sort": "-url"}).json()["docker_credentials"]
    assert [c["id"] for c in found] == [b["id"], a["id"]]
    only = api.get(BASE, headers=auth(), params={
        "search_filter": json.dumps({"name": tag, "url": "a.example"})}).json()
    assert [c["id"] for c in only["docker_credentials"]] == [a["id"]]


def _pairing(client):
    with client.app.state.mock.db.transaction() as session:
        return {row.runtime_identifier: row.docker_credential_id
                for row in session.execute(select(RuntimeCredential)).scalars()}


def test_set_docker_credential_pairs_a_runtime():
    from tests.conftest import make_asgi_client

    with make_asgi_client() as client:
        assert client.post("/api/v2/runtimes", headers=auth(), json={"url": IMAGE}).json()[
            "insert_success"]
        first, second = _create(client), _create(client)
        url = "/api/v2/runtimes/credential:set"
        body = {"runtime_identifier": IMAGE, "docker_credential_id": first["id"]}
        assert_envelope(client.post(url, headers=auth("nobody"), json=body), 401, 16)
        assert client.post(url, headers=auth(), json=body).json() == {}
        assert _pairing(client) == {IMAGE: first["id"]}
        client.post(url, headers=auth(), json={**body, "docker_credential_id": second["id"]})
        assert _pairing(client) == {IMAGE: second["id"]}
        assert_envelope(client.post(url, headers=auth(), json={
            **body, "docker_credential_id": "missing"}), 404, 5)
        assert_envelope(client.post(url, headers=auth(), json={
            **body, "runtime_identifier": "r.example.com/none:1"}), 404, 5)
        assert_envelope(client.post(url, headers=auth(), json={"runtime_identifier": IMAGE}),
                        400, 3)
        assert _pairing(client) == {IMAGE: second["id"]}
        # Deleting the credential unpairs the runtime.
        client.delete(f"{BASE}/{second['id']}", headers=auth())
        assert _pairing(client) == {}


def test_validate_custom_runtime_checks_the_credential(api):
    response = api.get("/api/v2/runtimes:validate", headers=auth(),
                       params={"url": IMAGE, "docker_credential_id": "missing"})
    assert_envelope(response, 404, 5)
    made = _create(api)
    ok = api.get("/api/v2/runtimes:validate", headers=auth(),
                 params={"url": IMAGE, "docker_credential_id": made["id"]})
    assert ok.status_code == 200
