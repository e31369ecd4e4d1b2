"""Response styles: full bodies by default, sparse (proto3's omitted zero values) on demand.

One place renders every API answer (core/render.py), so a style switch changes successes
and errors alike: handler results, 404s from handlers, 405/no-route errors and faults.
"""

from __future__ import annotations

import pytest

from mockcml.core.render import prune
from tests.conftest import make_asgi_client
from tests.helpers import LiveServer, assert_envelope, auth, make_project


def test_prune_leaves_out_zero_empty_and_null_at_every_depth():
    value = {"a": "", "b": 0, "c": False, "d": None, "e": [], "f": {}, "g": 0.0,
             "h": {"x": 0, "y": "k"}, "i": [{"z": ""}, 0, {"w": 1}], "j": True, "k": "v"}
    assert prune(value) == {"h": {"y": "k"}, "i": [{}, 0, {"w": 1}], "j": True, "k": "v"}


@pytest.fixture
def styled(api):
    yield api
    api.put("/_mock/response-style", json={"style": "full"})


def test_default_is_full(styled):
    api = styled
    assert api.get("/_mock/response-style").json() == {"style": "full", "default": "full"}
    project = make_project(api)
    assert project["description"] == "" and project["ephemeral_storage_limit"] == 0
    assert project["permissions"]["business_user"] is False
    assert_envelope(api.get("/api/v2/projects/none", headers=auth()), 404, 5)


def _sparse_checks(api) -> None:  # noqa: ANN001
    project = make_project(api)
    assert "description" not in project and "ephemeral_storage_limit" not in project
    assert "business_user" not in project["permissions"]
    assert project["permissions"]["read"] is True and project["name"]
    listed = api.get("/api/v2/projects", headers=auth(), params={"page_size": 1000}).json()
    assert "next_page_token" not in listed and listed["projects"]
    for response, code in ((api.get("/api/v2/projects/none", headers=auth()), 5),
                           (api.get("/api/v2/projects"), 16),
                           (api.get("/api/v2/no-such-route", headers=auth()), 5),
                           (api.put("/api/v2/projects", headers=auth()), 12)):
        assert set(response.json()) == {"code", "message"}, response.text
        assert response.json()["code"] == code


def test_sparse_through_the_control(styled):
    api = styled
    switched = api.put("/_mock/response-style", json={"style": "sparse"})
    assert switched.json() == {"style": "sparse", "default": "full"}
    _sparse_checks(api)
    # Faults leave in the same style.
    api.post("/_mock/faults", json={"operation_id": "ListRuntimes", "status": 503, "count": 1})
    fault = api.get("/api/v2/runtimes", headers=auth())
    assert fault.status_code == 503 and set(fault.json()) == {"code", "message"}
    assert api.put("/_mock/response-style", json={"style": "full"}).json()["style"] == "full"
    assert_envelope(api.get("/api/v2/projects/none", headers=auth()), 404, 5)


def test_control_plane_errors_stay_full(styled):
    api = styled
    api.put("/_mock/response-style", json={"style": "sparse"})
    assert_envelope(api.delete("/_mock/faults/nope"), 404, 5)


def test_unknown_style_is_refused_and_reset_restores_the_default():
    with make_asgi_client(response_style="sparse") as client:
        assert client.put("/_mock/response-style", json={"style": "terse"}).status_code == 400
        client.put("/_mock/response-style", json={"style": "full"})
        client.post("/_mock/reset")
        assert client.get("/_mock/response-style").json()["style"] == "sparse"


def test_setting_needs_the_control_token():
    with make_asgi_client(control_token="t") as client:
        assert_envelope(client.put("/_mock/response-style", json={"style": "sparse"}), 401, 16)


def test_sparse_setting_in_process():
    with make_asgi_client(response_style="sparse") as client:
        _sparse_checks(client)


def test_sparse_flag_live():
    with LiveServer("--response-style", "sparse") as server, server.client() as client:
        _sparse_checks(client)


def test_sparse_environment_variable_live():
    with LiveServer(env={"MOCKCML_RESPONSE_STYLE": "sparse"}) as server, \
            server.client() as client:
        _sparse_checks(client)
