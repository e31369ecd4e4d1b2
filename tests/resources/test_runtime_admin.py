"""Runtime administration: validate, register, change status, attach a credential."""

from __future__ import annotations

import json

import pytest

from tests.helpers import assert_envelope, auth

IMAGE = ("docker.repository.cloudera.com/cloudera/cdsw/"
         "ml-runtime-jupyterlab-python3.12-standard:2026.01.1-b4")
CUSTOM = "registry.example.com:5000/team/ml-runtime-jupyterlab-python3.11-gpu:1.2.3-b7"


def _runtimes(client, key="mockcml-admin-key"):
    flt = json.dumps({"image_identifier": "ml-runtime"})
    body = client.get("/api/v2/runtimes", headers=auth(key),
                      params={"page_size": 1000, "search_filter": flt}).json()
    return {r["image_identifier"]: r for r in body["runtimes"]}


@pytest.mark.parametrize("call", [
    ("GET", "/api/v2/runtimes:validate", {"params": {"url": IMAGE}}),
    ("POST", "/api/v2/runtimes", {"json": {"url": IMAGE}}),
    ("POST", "/api/v2/runtimes:update", {"json": {"status": "DISABLED",
                                                   "image_identifier": [IMAGE]}}),
    ("POST", "/api/v2/runtimes/credential:set", {"json": {"runtime_identifier": IMAGE,
                                                           "docker_credential_id": "c1"}}),
])
def test_admin_only(world, call):
    method, path, kwargs = call
    assert_envelope(world.request(method, path, **kwargs), 401, 16)
    assert_envelope(world.request(method, path, headers=auth("alice-key"), **kwargs), 403, 7)
    assert IMAGE not in _runtimes(world)


def test_validate_reads_the_image_name(api):
    body = api.get("/api/v2/runtimes:validate", headers=auth(), params={"url": CUSTOM}).json()
    assert body["success"] is True and body["reason"] == ""
    assert body["details"] == {"registry": "registry.example.com:5000", "editor": "JupyterLab",
                               "kernel": "Python 3.11", "edition": "Nvidia GPU",
                               "version": "1.2.3", "maintenance_version": 7,
                               "description": "Nvidia GPU edition Python runtime"}


@pytest.mark.parametrize("url", ["", "python:3.11", "not an image", "host.example.com/repo"])
def test_validate_rejects_malformed_references(api, url):
    body = api.get("/api/v2/runtimes:validate", headers=auth(), params={"url": url}).json()
    assert body["success"] is False and body["reason"]


def test_register_then_list_disable_and_register_again():
    from tests.conftest import make_asgi_client

    with make_asgi_client() as client:
        done = client.post("/api/v2/runtimes", headers=auth(), json={"url": IMAGE}).json()
        assert done["validation_success"] is True and done["insert_success"] is True
        listed = _runtimes(client)[IMAGE]
        assert listed["status"] == "ENABLED" and listed["kernel"] == "Python 3.12"
        assert listed["register_user_id"] == 1 and listed["full_version"] == "2026.01.1-b4"
        again = client.post("/api/v2/runtimes", headers=auth(), json={"url": IMAGE}).json()
        assert again["insert_success"] is False and "already" in again["reason"]
        checked = client.get("/api/v2/runtimes:validate", headers=auth(),
                             params={"url": IMAGE}).json()
        assert checked["success"] is False
        bad = client.post("/api/v2/runtimes", headers=auth(), json={"url": "nope"}).json()
        assert bad["validation_success"] is False and bad["insert_success"] is False
        changed = client.post("/api/v2/runtimes:update", headers=auth(), json={
            "status": "DEPRECATED", "image_identifier": [IMAGE, "missing:1"],
            "runtime_id": [1]}).json()
        assert changed == {"rows_affected": 1}
        assert _runtimes(client)[IMAGE]["status"] == "DEPRECATED"
        assert_envelope(client.post("/api/v2/runtimes:update", headers=auth(),
                                    json={"status": "BROKEN", "image_identifier": [IMAGE]}),
                        400, 3)
        assert_envelope(client.post("/api/v2/runtimes:update", headers=auth(),
                                    json={"image_identifier": [IMAGE]}), 400, 3)
        credential = client.post("/api/v2/dockercredentials", headers=auth(), json={
            "name": "c1", "server": "registry.example.com", "username": "u",
            "password": "p"}).json()["id"]
        ok = client.post("/api/v2/runtimes/credential:set", headers=auth(),
                         json={"runtime_identifier": IMAGE, "docker_credential_id": credential})
        assert ok.status_code == 200 and ok.json() == {}
        assert_envelope(client.post("/api/v2/runtimes/credential:set", headers=auth(), json={
            "runtime_identifier": "missing:1", "docker_credential_id": credential}), 404, 5)
