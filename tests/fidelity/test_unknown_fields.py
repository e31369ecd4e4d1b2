"""Unknown body fields: dropped like grpc-gateway drops them, and written down for tests.

The real API ignores fields it does not define (a published MCP server PATCHes a job with a
``description``); mockcml answers 200 too, records each field (operation, path in the body,
caller) at /_mock/unknown-fields, and keeps the old 400 under --strict / MOCKCML_STRICT.
"""

from __future__ import annotations

import pytest

from tests.conftest import make_asgi_client
from tests.helpers import LiveServer, assert_envelope, auth, make_job, make_project


@pytest.fixture
def clean(api):
    api.delete("/_mock/unknown-fields")
    return api


def _report(api, **params):
    response = api.get("/_mock/unknown-fields", params=params)
    assert response.status_code == 200, response.text
    return response.json()["unknown_fields"]


def test_patch_job_with_description_is_accepted_and_recorded(clean):
    api = clean
    pid = make_project(api)["id"]
    job = make_job(api, pid)
    response = api.patch(f"/api/v2/projects/{pid}/jobs/{job['id']}", headers=auth(),
                         json={"description": "nightly", "name": "renamed"})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "renamed"  # the known field still applies
    assert "description" not in response.json()
    [entry] = _report(api, operation_id="UpdateJob")
    assert entry["field"] == "description" and entry["caller"] == "admin"
    assert entry["method"] == "PATCH" and entry["path"].endswith(job["id"])


def test_nested_unknown_fields_are_dropped_with_their_path(clean):
    api = clean
    pid = make_project(api)["id"]
    job = make_job(api, pid)
    # A GET'd object sent back: read-only and foreign fields, nested ones too.
    body = {"name": "n2", "creator": {"username": "x", "nickname": "y"},
            "recipients": [{"email": "a@b.c", "bogus": 1}], "extra": {"deep": [1]}}
    response = api.patch(f"/api/v2/projects/{pid}/jobs/{job['id']}", headers=auth(), json=body)
    assert response.status_code == 200, response.text
    fields = [e["field"] for e in _report(api, operation_id="UpdateJob")]
    assert fields == ["creator.nickname", "recipients[0].bogus", "extra"]


def test_create_experiment_run_with_name_is_accepted(clean):
    api = clean
    pid = make_project(api)["id"]
    exp = api.post(f"/api/v2/projects/{pid}/experiments", headers=auth(), json={"name": "e"})
    assert exp.status_code == 200, exp.text
    run = api.post(f"/api/v2/projects/{pid}/experiments/{exp.json()['id']}/runs",
                   headers=auth(), json={"name": "r1"})
    assert run.status_code == 200, run.text
    assert [e["field"] for e in _report(api, operation_id="CreateExperimentRun")] == ["name"]


def test_known_fields_are_still_type_checked(clean):
    response = clean.post("/api/v2/projects", headers=auth(), json={"name": 5, "bogus": 1})
    assert_envelope(response, 400, 3)


def test_report_filters_and_clear(clean):
    api = clean
    api.post("/api/v2/projects", headers=auth(), json={"name": "u1", "colour": "red"})
    assert [e["field"] for e in _report(api, caller="admin")] == ["colour"]
    assert _report(api, caller="nobody") == []
    assert api.delete("/_mock/unknown-fields").status_code == 200
    assert _report(api) == []


def test_clearing_needs_the_control_token():
    with make_asgi_client(control_token="s3cret") as client:
        client.post("/api/v2/projects", headers=auth(), json={"name": "p", "x": 1})
        assert_envelope(client.delete("/_mock/unknown-fields"), 401, 16)
        assert len(client.get("/_mock/unknown-fields").json()["unknown_fields"]) == 1
        ok = client.delete("/_mock/unknown-fields",
                           headers={"x-mockcml-control-token": "s3cret"})
        assert ok.status_code == 200


def test_reset_clears_the_report():
    with make_asgi_client() as client:
        client.post("/api/v2/projects", headers=auth(), json={"name": "p", "x": 1})
        client.post("/_mock/reset")
        assert client.get("/_mock/unknown-fields").json()["unknown_fields"] == []


def _strict_checks(client) -> None:  # noqa: ANN001
    response = client.post("/api/v2/projects", headers=auth(), json={"name": "s", "bogus": 1})
    body = assert_envelope(response, 400, 3)
    assert body["message"] == "CreateProjectRequest: unknown field 'bogus'"
    # Nothing was written, and the refused field is on the report all the same.
    names = [p["name"] for p in client.get("/api/v2/projects", headers=auth()).json()["projects"]]
    assert "s" not in names
    report = client.get("/_mock/unknown-fields").json()
    assert report["strict"] is True and report["unknown_fields"][0]["field"] == "bogus"


def test_strict_keeps_the_400_in_process():
    with make_asgi_client(strict=True) as client:
        _strict_checks(client)


def test_strict_flag_live():
    with LiveServer("--strict") as server, server.client() as client:
        _strict_checks(client)


def test_strict_environment_variable_live():
    with LiveServer(env={"MOCKCML_STRICT": "true"}) as server, server.client() as client:
        _strict_checks(client)
