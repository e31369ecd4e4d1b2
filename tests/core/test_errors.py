"""One envelope for every failure, with the gRPC code and its HTTP status."""

from __future__ import annotations

import pytest

from mockcml.core.errors import GRPC_TO_HTTP
from tests.helpers import assert_envelope, auth, make_project


def test_grpc_to_http_map_matches_grpc_gateway():
    assert GRPC_TO_HTTP[3] == 400 and GRPC_TO_HTTP[5] == 404 and GRPC_TO_HTTP[7] == 403
    assert GRPC_TO_HTTP[16] == 401 and GRPC_TO_HTTP[12] == 501 and GRPC_TO_HTTP[13] == 500
    assert GRPC_TO_HTTP[6] == 409 and GRPC_TO_HTTP[9] == 400 and GRPC_TO_HTTP[14] == 503


def test_unknown_path_is_404_code_5(api):
    assert_envelope(api.get("/api/v2/nothing-here", headers=auth()), 404, 5)
    assert_envelope(api.get("/elsewhere"), 404, 5)


def test_wrong_method_is_405(api):
    assert_envelope(api.put("/api/v2/projects", headers=auth()), 405, 12)


def test_path_segment_stop_form_is_not_the_verb_route(api):
    # Third-party code sometimes writes .../runs/{id}/stop; the real route is ...:stop.
    response = api.post("/api/v2/projects/p/jobs/j/runs/r/stop", headers=auth())
    assert_envelope(response, 404, 5)


def test_unimplemented_operation_is_501_code_12_naming_it(monkeypatch):
    """An operation without a handler answers 501. Every operation has one now, so one
    is taken away for the test."""
    from mockcml.core.registry import HANDLERS
    from tests.conftest import make_asgi_client

    with make_asgi_client() as client:
        monkeypatch.delitem(HANDLERS, "DisableEngines")
        response = client.post("/api/v2/site/config:update", json={}, headers=auth())
    body = assert_envelope(response, 501, 12)
    assert "DisableEngines" in body["message"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "invalid JSON"),
        (b'{"name": 5}', "expected a string"),
        (b'{"name": "x", "shared_memory_limit": "lots"}', "expected an integer"),
        (b"[1, 2]", "expected an object"),
        (b"\xff\xfe\xfa", "invalid JSON"),
        (b"[" * 5000 + b"]" * 5000, ""),
    ],
)
def test_bad_bodies_are_400_code_3(api, content, message):
    response = api.post("/api/v2/projects", content=content, headers=auth())
    body = assert_envelope(response, 400, 3)
    assert message in body["message"]


def test_unknown_enum_value_is_400(api):
    response = api.post("/api/v2/runtimes:update", json={"status": "BROKEN"}, headers=auth())
    assert_envelope(response, 400, 3)


@pytest.mark.parametrize(
    "params",
    [{"page_size": "ten"}, {"pageSize": "1.5"}, {"include_all_projects": "maybe"},
     {"page_size": str(2**40)}],
)
def test_bad_query_params_are_400(api, params):
    assert_envelope(api.get("/api/v2/projects", params=params, headers=auth()), 400, 3)


def test_unexpected_exception_is_500_and_rolls_back(monkeypatch):
    from fastapi.testclient import TestClient

    from mockcml.app import create_app
    from mockcml.resources.projects import service
    from mockcml.settings import Settings

    real = service.create_project

    def explode(*args, **kwargs):
        real(*args, **kwargs)  # the row is written...
        raise RuntimeError("boom")  # ...and then something breaks

    with TestClient(create_app(Settings()), raise_server_exceptions=False) as client:
        monkeypatch.setattr(service, "create_project", explode)
        response = client.post("/api/v2/projects", json={"name": "doomed"}, headers=auth())
        assert_envelope(response, 500, 13)
        listed = client.get("/api/v2/projects", headers=auth()).json()["projects"]
        assert [p for p in listed if p["name"] == "doomed"] == []


def test_invalid_request_leaves_nothing_half_written(api):
    project = make_project(api)
    response = api.post(
        f"/api/v2/projects/{project['id']}/jobs",
        json={"name": "half", "script": "x.py", "runtime_identifier": "rt", "schedule": "bad"},
        headers=auth(),
    )
    assert_envelope(response, 400, 3)
    jobs = api.get(f"/api/v2/projects/{project['id']}/jobs", headers=auth()).json()["jobs"]
    assert jobs == []
