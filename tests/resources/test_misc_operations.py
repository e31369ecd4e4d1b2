"""Runtime add-ons, AMP creation and run-as machine users."""

from __future__ import annotations

import json

import pytest

from mockcml.resources.misc.addons import ADDONS
from tests.helpers import assert_envelope, auth, make_project, unique

ADDON_FIELDS = {"identifier", "component", "display_name", "status", "manageable",
                "created_at", "id", "reason"}
GIT = "https://github.com/cloudera/CML_AMP_Churn_Prediction"


def _addons(client, **params):
    response = client.get("/api/v2/runtimeaddons", params=params, headers=auth())
    assert response.status_code == 200, response.text
    return response.json()


def _amp(client, key=None, configure=None, **project):
    body = {"create_project_request": {"name": unique("amp"), "git_url": GIT, **project}}
    if configure is not None:
        body["configure_prototype_request"] = configure
    return client.post("/api/v2/amps", json=body, headers=auth(key) if key else auth())


def _project_names(client, name):
    response = client.get("/api/v2/projects", headers=auth(),
                          params={"search_filter": json.dumps({"name": name})})
    return [p["name"] for p in response.json()["projects"]]


class TestRuntimeAddons:
    def test_unauthenticated(self, api):
        assert_envelope(api.get("/api/v2/runtimeaddons"), 401, 16)

    @pytest.mark.parametrize(
        "params",
        [{"search_filter": '{"version":"3"}'}, {"search_filter": "Spark"},
         {"sort": "-popularity"}, {"page_token": "nope"}, {"page_size": "ten"}],
    )
    def test_bad_parameters_are_400(self, api, params):
        response = api.get("/api/v2/runtimeaddons", params=params, headers=auth())
        assert_envelope(response, 400, 3)

    def test_catalogue_shape(self, api):
        body = _addons(api, page_size=100)
        assert body["next_page_token"] == ""
        entries = body["runtime_addons"]
        assert len(entries) == len(ADDONS) and [e["id"] for e in entries] == sorted(
            e["id"] for e in entries)
        for entry in entries:
            assert set(entry) == ADDON_FIELDS
            assert isinstance(entry["id"], int) and isinstance(entry["manageable"], bool)
            assert entry["created_at"].endswith("Z")
            assert entry["status"] in ("AVAILABLE", "DISABLED", "DEPRECATED")
            assert (entry["reason"] == "") == (entry["status"] == "AVAILABLE")
        components = {e["component"] for e in entries}
        assert {"Spark", "HadoopCLI"} <= components

    def test_filters_match_case_sensitive_substrings(self, api):
        spark = _addons(api, search_filter='{"component":"Spark","status":"AVAILABLE"}')
        assert spark["runtime_addons"]
        for entry in spark["runtime_addons"]:
            assert entry["component"] == "Spark" and entry["status"] == "AVAILABLE"
        assert _addons(api, search_filter='{"component":"spark"}')["runtime_addons"] == []
        hadoop = _addons(api, searchFilter='{"identifier":"hadoop-cli"}')["runtime_addons"]
        assert hadoop and all(e["component"] == "HadoopCLI" for e in hadoop)
        named = _addons(api, search_filter='{"display_name":"Spark 3.5"}')["runtime_addons"]
        assert [e["identifier"] for e in named] == ["spark351-24.1-h1"]

    def test_paging_walks_the_whole_catalogue(self, api):
        seen, token = [], None
        while True:
            params = {"page_size": 3, "sort": "-id", **({"page_token": token} if token else {})}
            body = _addons(api, **params)
            assert len(body["runtime_addons"]) <= 3
            seen += [e["id"] for e in body["runtime_addons"]]
            token = body["next_page_token"]
            if not token:
                break
        assert seen == sorted((a.id for a in ADDONS), reverse=True)


class TestMachineUsers:
    def test_unauthenticated(self, api):
        assert_envelope(api.get("/api/v2/projects/x/machineusers"), 401, 16)

    def test_unknown_project_is_404(self, api):
        assert_envelope(api.get("/api/v2/projects/nope/machineusers", headers=auth()), 404, 5)

    def test_a_project_the_caller_cannot_see_is_404(self, world):
        project = world.post("/api/v2/projects", json={"name": "hidden"},
                             headers=auth("alice-key")).json()
        url = f"/api/v2/projects/{project['id']}/machineusers"
        assert_envelope(world.get(url, headers=auth("mallory-key")), 404, 5)
        assert world.get(url, headers=auth("alice-key")).status_code == 200

    def test_none_are_modelled_so_the_list_is_empty(self, api):
        project = make_project(api)
        url = f"/api/v2/projects/{project['id']}/machineusers"
        response = api.get(url, params={"page_size": 5, "sort": "user_name"}, headers=auth())
        assert response.status_code == 200
        assert response.json() == {"run_as_machine_user_collaborators": [],
                                   "next_page_token": ""}

    def test_bad_parameters_are_400(self, api):
        project = make_project(api)
        url = f"/api/v2/projects/{project['id']}/machineusers"
        for params in ({"search_filter": '{"role":"x"}'}, {"sort": "age"},
                       {"page_token": "zz"}):
            assert_envelope(api.get(url, params=params, headers=auth()), 400, 3)


class TestCreateAmp:
    def test_unauthenticated(self, api):
        assert_envelope(api.post("/api/v2/amps", json={}), 401, 16)

    @pytest.mark.parametrize(
        ("project", "configure"),
        [
            ({"git_url": ""}, None),
            ({"template": "Python"}, None),
            ({"template": "local"}, None),
            ({"visibility": "everyone"}, None),
            ({"name": ""}, None),
            ({"shared_memory_limit": -1}, None),
            ({}, {"runtime_addon_identifiers": ["spark999"]}),
            ({}, {"runtime_addon_identifiers": ["spark243-18-hf4"]}),  # disabled
            ({}, {"execute_amp_steps": "yes"}),
        ],
    )
    def test_invalid_input_is_400_and_creates_nothing(self, api, project, configure):
        name = project.get("name", unique("amp"))
        response = _amp(api, configure=configure, **{**project, "name": name})
        assert_envelope(response, 400, 3)
        if name:
            assert _project_names(api, name) == []

    def test_missing_project_request_is_400(self, api):
        for body in ({}, {"configure_prototype_request": {"execute_amp_steps": True}}):
            assert_envelope(api.post("/api/v2/amps", json=body, headers=auth()), 400, 3)

    def test_creates_the_project_as_create_project_would(self, api):
        response = _amp(api, configure={"execute_amp_steps": True, "run_import_tasks": True,
                                        "runtime_identifier": "some-runtime",
                                        "runtime_addon_identifiers": ["spark351-24.1-h1",
                                                                      "spark320-18-hf4"]},
                        description="churn AMP", environment={"TOKEN": "x"},
                        template="git", git_ref="main", visibility="public")
        assert response.status_code == 200, response.text
        project = response.json()
        assert project["description"] == "churn AMP" and project["visibility"] == "public"
        assert project["environment"] == '{"TOKEN":"x"}'
        assert project["creation_status"] == "success"
        assert project["owner"]["username"] == project["creator"]["username"] == "admin"
        got = api.get(f"/api/v2/projects/{project['id']}", headers=auth())
        assert got.json() == project
        plain = api.post("/api/v2/projects", json={"name": unique("plain")}, headers=auth())
        assert set(project) == set(plain.json())

    def test_template_defaults_to_git_and_configuration_is_optional(self, api):
        response = _amp(api)
        assert response.status_code == 200, response.text
        assert response.json()["default_engine_type"] == "ml_runtime"

    def test_name_taken_is_409_like_create_project(self, api):
        name = unique("amp")
        assert _amp(api, name=name).status_code == 200
        assert_envelope(_amp(api, name=name), 409, 6)

    def test_the_caller_owns_the_amp(self, world):
        response = _amp(world, key="carol-key")
        assert response.status_code == 200
        assert response.json()["owner"]["username"] == "carol"
        assert_envelope(world.get(f"/api/v2/projects/{response.json()['id']}",
                                  headers=auth("mallory-key")), 404, 5)
