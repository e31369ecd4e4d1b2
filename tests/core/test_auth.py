"""Bearer keys on every /api/v2 route except the public documents."""

from __future__ import annotations

import pytest

from tests.core.contract_walk import operations, url_for
from tests.helpers import assert_envelope, auth

PUBLIC = ("/api/v2/swagger.json", "/api/v2/swagger.html")


@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer not-a-key"}, {"authorization": "mockcml-admin-key"},
     {"authorization": "Basic YWRtaW46YWRtaW4="}, {"authorization": "Bearer"}],
    ids=["missing", "unknown", "no-scheme", "basic", "empty"],
)
def test_every_operation_rejects_missing_or_bad_keys(api, headers):
    for op in operations():
        response = api.request(op.method, url_for(op), headers=headers)
        assert response.status_code == 401, (op.operation_id, response.text)
        assert response.json()["code"] == 16, op.operation_id


def test_scheme_is_case_insensitive(api):
    response = api.get("/api/v2/projects", headers={"authorization": "bearer mockcml-admin-key"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", PUBLIC)
def test_public_documents_need_no_key(api, path):
    assert api.get(path).status_code == 200


def test_validate_key_api_audience(api):
    response = api.post("/api/v2/auth/validate_key", json={"audience": "API"}, headers=auth())
    assert response.status_code == 200
    assert response.json()["valid"] is True and response.json()["username"] == "admin"
    assert response.json()["message"]


def test_validate_key_default_audience_is_api(api):
    response = api.post("/api/v2/auth/validate_key", headers=auth())
    assert response.status_code == 200 and response.json()["valid"] is True


def test_validate_key_application_audience_mismatch_is_403_code_7(api):
    response = api.post("/api/v2/auth/validate_key", json={"audience": "Application"},
                        headers=auth())
    body = assert_envelope(response, 403, 7)
    assert "audience" in body["message"]


def test_validate_key_application_audience_accepted_for_application_keys():
    from fastapi.testclient import TestClient

    from mockcml.app import create_app
    from mockcml.resources.users.service import add_key, get_user

    app = create_app()
    with TestClient(app) as client:
        mock = app.state.mock
        with mock.db.transaction() as session:
            add_key(session, get_user(session, "admin"), "app-key", audiences=("Application",))
        ok = client.post("/api/v2/auth/validate_key", json={"audience": "Application"},
                         headers=auth("app-key"))
        assert ok.status_code == 200 and ok.json()["valid"] is True
        wrong = client.post("/api/v2/auth/validate_key", json={"audience": "API"},
                            headers=auth("app-key"))
        assert_envelope(wrong, 403, 7)


def test_validate_key_unknown_audience_is_400(api):
    response = api.post("/api/v2/auth/validate_key", json={"audience": "Nope"}, headers=auth())
    assert_envelope(response, 400, 3)


def test_expired_key_is_401():
    from fastapi.testclient import TestClient

    from mockcml.app import create_app
    from mockcml.resources.users.service import add_key, get_user

    app = create_app()
    with TestClient(app) as client:
        with app.state.mock.db.transaction() as session:
            add_key(session, get_user(session, "admin"), "old-key",
                    expiry_date="2001-01-01T00:00:00Z")
        assert_envelope(client.get("/api/v2/projects", headers=auth("old-key")), 401, 16)
