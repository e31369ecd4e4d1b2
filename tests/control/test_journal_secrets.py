"""The journal never shows a secret (issue 19, item 3).

``GET /_mock/journal`` needs no control token, so a recorded body must not carry a new API
key, a docker password or deployment secrets, whether or not a token is configured.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.control.journal import REDACTED, _body, redact
from mockcml.settings import Settings
from tests.helpers import auth


def _entries(client, after: int, **flt) -> list[dict]:
    return client.get("/_mock/journal", params={"after": after, **flt}).json()["entries"]


def _last(client) -> int:
    entries = client.get("/_mock/journal").json()["entries"]
    return entries[-1]["id"] if entries else 0


def _check_no_secrets(client, headers: dict[str, str]) -> None:
    after = _last(client)
    created = client.post("/api/v2/users/admin/v2_keys", json={"comments": "ci"}, headers=auth())
    assert created.status_code == 200, created.text
    secret = created.json()["api_key"]
    password = "hunter2-do-not-log"
    client.post("/api/v2/dockercredentials", headers=auth(),
                json={"name": "reg", "server": "r.example", "username": "u", "password": password})
    client.post("/api/v2/dockercredentials", headers={**auth(), "content-type": "application/json"},
                content=b'{"name": "cut", "password": "' + password.encode() + b'", "x": "'
                + b"y" * 70_000 + b'"}')
    entries = _entries(client, after)
    text = json.dumps(entries)
    assert secret not in text and password not in text
    key_entry = next(e for e in entries if e["operation_id"] == "CreateV2Key")
    assert key_entry["response_body"]["api_key"] == REDACTED
    assert key_entry["response_body"]["comments"] == "ci"  # the rest is still recorded
    docker = [e for e in entries if e["operation_id"] == "CreateDockerCredential"]
    assert docker[0]["request_body"]["password"] == REDACTED
    assert docker[0]["request_body"]["username"] == "u"
    assert isinstance(docker[1]["request_body"], str)  # cut at the body limit: kept as text
    assert REDACTED in docker[1]["request_body"]
    client.delete(f"/api/v2/users/admin/v2_keys/{created.json()['key_id']}", headers=auth())


def test_recorded_bodies_are_redacted(api):
    api.put("/_mock/journal/config", json={"record_bodies": True})
    try:
        _check_no_secrets(api, {})
    finally:
        api.put("/_mock/journal/config", json={"record_bodies": False})


def test_redacted_with_a_control_token_too():
    app = create_app(Settings(time_scale=0, control_token="tok", journal_bodies=True))
    with TestClient(app) as client:
        assert client.get("/_mock/journal").status_code == 200  # readable without the token
        _check_no_secrets(client, {"x-mockcml-control-token": "tok"})


@pytest.mark.parametrize("name", ["api_key", "apiKey", "password", "Password",
                                  "deployment_secrets", "deploymentSecrets", "client_secret"])
def test_secret_field_names(name):
    assert redact({"a": [{name: "s3cret"}]}) == {"a": [{name: REDACTED}]}


@pytest.mark.parametrize("name", ["key", "key_id", "api_key_comments", "password_updated_at",
                                  "access_key_id_hint"])
def test_other_fields_are_kept(name):
    assert redact({name: "v"}) == {name: "v"}


def test_text_bodies_are_redacted_too():
    raw = b'{"password": "p\\"w", "name": "n", "api_key": "abc'
    assert _body(raw) == '{"password": "REDACTED", "name": "n", "api_key": "REDACTED"'
