"""Model registry: registering versions, visibility, partial updates, deletes, listings."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from mockcml.app import create_app
from mockcml.resources.registry.service import REGISTER_SECONDS
from mockcml.resources.users.tables import User
from mockcml.settings import Settings
from tests.helpers import assert_envelope, auth, make_project, unique

MODELS = "/api/v2/registry/models"
DETAIL_FIELDS = {"model_id", "name", "description", "owner", "permission", "visibility",
                 "created_at", "updated_at", "count", "next_page_token"}
VERSION_FIELDS = {"model_id", "model_version_id", "version_name", "number", "notes", "user",
                  "created_at", "updated_at", "status", "model_version_metadata", "tags",
                  "error_message"}


@pytest.fixture
def project(api):
    return make_project(api)


def _body(project_id, name=None, **fields):
    return {"project_id": project_id, "experiment_id": "exp-1", "run_id": "run-1",
            "model_path": "model", "model_name": name or unique("model"), **fields}


def _register(client, project_id, name=None, key=None, **fields):
    response = client.post(MODELS, json=_body(project_id, name, **fields),
                           headers=auth(key) if key else auth())
    assert response.status_code == 200, response.text
    return response.json()


def _get(client, model_id, key=None, **params):
    return client.get(f"{MODELS}/{model_id}", params=params, headers=auth(key) if key else auth())


def _names(client, key=None, **params):
    response = client.get(MODELS, params={"page_size": 1000, **params},
                          headers=auth(key) if key else auth())
    assert response.status_code == 200, response.text
    return [m["name"] for m in response.json()["models"]]


def _user_id(client, username):
    with client.app.state.mock.db.transaction() as session:
        return session.exec(select(User.id).where(User.username == username)).one()


class TestRefused:
    def test_unauthenticated(self, api):
        assert_envelope(api.get(MODELS), 401, 16)
        assert_envelope(api.post(MODELS, json={}), 401, 16)
        assert_envelope(api.patch(MODELS, json={}), 401, 16)

    @pytest.mark.parametrize("field", ["project_id", "experiment_id", "run_id", "model_path",
                                       "model_name"])
    def test_each_source_field_is_required(self, api, project, field):
        name = unique("model")
        body = _body(project["id"], name)
        body[field] = ""
        assert_envelope(api.post(MODELS, json=body, headers=auth()), 400, 3)
        del body[field]
        assert_envelope(api.post(MODELS, json=body, headers=auth()), 400, 3)
        assert name not in _names(api, search_filter=json.dumps({"model_name": name}))

    @pytest.mark.parametrize(
        "fields",
        [{"tags": [{"key": "", "value": "x"}]}, {"tags": [{"value": "x"}]},
         {"visibility": "SECRET"}, {"tags": "a=b"}],
    )
    def test_invalid_input_is_400_and_writes_nothing(self, api, project, fields):
        name = unique("model")
        response = api.post(MODELS, json=_body(project["id"], name, **fields), headers=auth())
        assert_envelope(response, 400, 3)
        assert _names(api, search_filter=json.dumps({"model_name": name})) == []

    def test_missing_project_is_404(self, api):
        assert_envelope(api.post(MODELS, json=_body("nope"), headers=auth()), 404, 5)

    def test_a_project_the_caller_cannot_see_is_404(self, world):
        project = world.post("/api/v2/projects", json={"name": "private"},
                             headers=auth("alice-key")).json()
        response = world.post(MODELS, json=_body(project["id"]), headers=auth("bob-key"))
        assert_envelope(response, 404, 5)

    def test_unknown_model_and_version_are_404(self, api, project):
        model = _register(api, project["id"])
        other = _register(api, project["id"])
        assert_envelope(_get(api, "nope"), 404, 5)
        assert_envelope(api.delete(f"{MODELS}/nope", headers=auth()), 404, 5)
        assert_envelope(api.get(f"{MODELS}/nope/versions/x", headers=auth()), 404, 5)
        assert_envelope(api.get(f"{MODELS}/{model['model_id']}/versions/x", headers=auth()),
                        404, 5)
        # A version is reached only through its own model.
        foreign = other["model_versions"][0]["model_version_id"]
        assert_envelope(api.get(f"{MODELS}/{model['model_id']}/versions/{foreign}",
                                headers=auth()), 404, 5)
        assert_envelope(api.delete(f"{MODELS}/{model['model_id']}/versions/{foreign}",
                                   headers=auth()), 404, 5)
        assert_envelope(api.patch(MODELS, json={"model_id": "nope"}, headers=auth()), 404, 5)

    def test_update_needs_ids(self, api, project):
        model = _register(api, project["id"])
        assert_envelope(api.patch(MODELS, json={"description": "x"}, headers=auth()), 400, 3)
        url = f"{MODELS}/{model['model_id']}"
        assert_envelope(api.patch(url, json={"notes": "x"}, headers=auth()), 400, 3)
        version = model["model_versions"][0]["model_version_id"]
        mismatch = {"model_id": "other", "model_version_id": version, "notes": "x"}
        assert_envelope(api.patch(url, json=mismatch, headers=auth()), 400, 3)
        bad_tags = {"model_version_id": version, "tags": [{"key": " "}]}
        assert_envelope(api.patch(url, json=bad_tags, headers=auth()), 400, 3)
        assert _get(api, model["model_id"]).json()["model_versions"][0]["notes"] == ""

    def test_update_to_an_unknown_user_is_400(self, api, project):
        model = _register(api, project["id"])
        for user_id in ("999999", "alice"):
            response = api.patch(MODELS, json={"model_id": model["model_id"], "user_id": user_id,
                                               "description": "changed"}, headers=auth())
            assert_envelope(response, 400, 3)
        assert _get(api, model["model_id"]).json()["description"] == ""

    @pytest.mark.parametrize(
        "params",
        [{"search_filter": '{"stage":"prod"}'}, {"search_filter": "[1]"},
         {"sort": "-popularity"}, {"page_token": "garbage"}],
    )
    def test_bad_listing_parameters_are_400(self, api, params):
        assert_envelope(api.get(MODELS, params=params, headers=auth()), 400, 3)

    def test_bad_version_listing_parameters_are_400(self, api, project):
        model = _register(api, project["id"])
        for params in ({"search_filter": '{"version_number":"three"}'},
                       {"search_filter": '{"model_name":"x"}'}, {"sort": "size"}):
            assert_envelope(_get(api, model["model_id"], **params), 400, 3)


class TestVisibility:
    def _alice_model(self, world, visibility="PRIVATE"):
        project = world.post("/api/v2/projects", json={"name": unique("p")},
                             headers=auth("alice-key")).json()
        return project, _register(world, project["id"], key="alice-key", visibility=visibility)

    def test_a_private_model_is_hidden_from_others(self, world):
        _, model = self._alice_model(world)
        mid = model["model_id"]
        version = model["model_versions"][0]["model_version_id"]
        bob = "bob-key"
        assert_envelope(_get(world, mid, bob), 404, 5)
        assert_envelope(world.get(f"{MODELS}/{mid}/versions/{version}", headers=auth(bob)),
                        404, 5)
        assert_envelope(world.delete(f"{MODELS}/{mid}", headers=auth(bob)), 404, 5)
        assert_envelope(world.patch(MODELS, json={"model_id": mid, "description": "x"},
                                    headers=auth(bob)), 404, 5)
        assert model["name"] not in _names(world, bob)

    def test_a_public_model_is_seen_but_not_changed_by_others(self, world):
        project, model = self._alice_model(world, "PUBLIC")
        mid = model["model_id"]
        version = model["model_versions"][0]["model_version_id"]
        bob = auth("bob-key")
        seen = _get(world, mid, "bob-key").json()
        assert seen["permission"] == "read" and seen["count"] == 1
        assert model["name"] in _names(world, "bob-key")
        assert world.get(f"{MODELS}/{mid}/versions/{version}", headers=bob).status_code == 200
        assert_envelope(world.patch(MODELS, json={"model_id": mid, "description": "x"},
                                    headers=bob), 403, 7)
        assert_envelope(world.patch(f"{MODELS}/{mid}", json={"model_version_id": version,
                                                             "notes": "x"}, headers=bob), 403, 7)
        assert_envelope(world.delete(f"{MODELS}/{mid}/versions/{version}", headers=bob), 403, 7)
        assert_envelope(world.delete(f"{MODELS}/{mid}", headers=bob), 403, 7)
        # bob may not add a version either, even from a project he can see.
        bobs = world.post("/api/v2/projects", json={"name": "bobs"}, headers=bob).json()
        response = world.post(MODELS, json=_body(bobs["id"], model["name"]), headers=bob)
        assert_envelope(response, 403, 7)
        assert _get(world, mid, "alice-key").json()["count"] == 1

    def test_a_taken_private_name_is_409_for_others(self, world):
        _, model = self._alice_model(world)
        bobs = world.post("/api/v2/projects", json={"name": "bobs"},
                          headers=auth("bob-key")).json()
        response = world.post(MODELS, json=_body(bobs["id"], model["name"]),
                              headers=auth("bob-key"))
        assert_envelope(response, 409, 6)

    def test_a_site_admin_sees_and_changes_everything(self, world):
        _, model = self._alice_model(world)
        mid = model["model_id"]
        got = _get(world, mid).json()
        assert got["permission"] == "admin" and got["owner"]["username"] == "alice"
        assert model["name"] in _names(world)
        response = world.patch(MODELS, json={"model_id": mid, "description": "curated"},
                               headers=auth())
        assert response.status_code == 200 and response.json()["description"] == "curated"

    def test_a_model_given_away_leaves_its_owner(self, world):
        _, model = self._alice_model(world)
        mid = model["model_id"]
        bob_id = str(_user_id(world, "bob"))
        response = world.patch(MODELS, json={"model_id": mid, "user_id": bob_id},
                               headers=auth("alice-key"))
        assert response.status_code == 200, response.text
        assert response.json()["owner"]["username"] == "bob"
        assert response.json()["permission"] == "read"  # alice still sees the answer
        assert_envelope(_get(world, mid, "alice-key"), 404, 5)
        assert _get(world, mid, "bob-key").json()["permission"] == "owner"


class TestRegister:
    def test_first_registration_creates_the_model_with_version_1(self, api, project):
        name = unique("churn")
        model = _register(api, project["id"], name, description="churn model",
                          notes="first cut", tags=[{"key": "algo", "value": "xgb"}])
        assert set(model) == DETAIL_FIELDS | {"model_versions"}
        assert model["name"] == name and model["description"] == "churn model"
        assert model["visibility"] == "PRIVATE" and model["permission"] == "owner"
        assert model["owner"]["username"] == "admin" and model["count"] == 1
        assert model["next_page_token"] == ""
        [version] = model["model_versions"]
        assert set(version) == VERSION_FIELDS
        assert version["number"] == 1 and version["version_name"] == "v1"
        assert version["model_id"] == model["model_id"] and version["notes"] == "first cut"
        assert version["tags"] == [{"key": "algo", "value": "xgb"}]
        assert version["status"] == "REGISTERED" and version["error_message"] == ""
        assert version["user"]["username"] == "admin"
        meta = version["model_version_metadata"]
        assert meta["mlops_type"] == "MLFLOW" and meta["project_id"] == project["id"]
        assert meta["workspace_url"].startswith("http") and meta["owner"]["username"] == "admin"
        assert meta["tags"] == version["tags"] and "simple_metadata" not in meta
        assert meta["mlflow_metadata"] == {"experiment_id": "exp-1", "run_id": "run-1",
                                           "metrics": [], "params": [], "tags": []}
        got = api.get(f"{MODELS}/{model['model_id']}/versions/{version['model_version_id']}",
                      headers=auth())
        assert got.json() == version

    def test_registering_an_existing_name_adds_the_next_version(self, api, project):
        first = _register(api, project["id"], description="kept", visibility="PUBLIC")
        second = _register(api, project["id"], first["name"], description="ignored",
                           visibility="PRIVATE", notes="retrained")
        assert second["model_id"] == first["model_id"] and second["count"] == 2
        assert second["description"] == "kept" and second["visibility"] == "PUBLIC"
        [version] = second["model_versions"]
        assert version["number"] == 2 and version["notes"] == "retrained"
        got = _get(api, first["model_id"]).json()
        assert [v["number"] for v in got["model_versions"]] == [1, 2]
        assert got["updated_at"] >= first["updated_at"]

    def test_enum_by_number_and_camel_case(self, api, project):
        body = {"projectId": project["id"], "experimentId": "e", "runId": "r",
                "modelPath": "m", "modelName": unique("m"), "visibility": 1}
        response = api.post(MODELS, json=body, headers=auth())
        assert response.status_code == 200 and response.json()["visibility"] == "PUBLIC"

    def test_a_viewer_of_a_project_may_register_from_it(self, world):
        project = world.post("/api/v2/projects", headers=auth("alice-key"),
                             json={"name": "shared", "visibility": "public"}).json()
        model = _register(world, project["id"], key="bob-key")
        assert model["owner"]["username"] == "bob"


class TestUpdateAndDelete:
    def test_patch_model_changes_only_sent_fields(self, api, project):
        model = _register(api, project["id"], description="d", visibility="PUBLIC")
        url_body = {"model_id": model["model_id"]}
        response = api.patch(MODELS, json={**url_body, "description": "new"}, headers=auth())
        assert response.status_code == 200, response.text
        assert response.json()["description"] == "new"
        assert response.json()["visibility"] == "PUBLIC"
        response = api.patch(MODELS, json={**url_body, "visibility": "PRIVATE"}, headers=auth())
        assert response.json()["description"] == "new"
        assert response.json()["visibility"] == "PRIVATE"
        assert [v["number"] for v in response.json()["model_versions"]] == [1]

    def test_patch_version_changes_only_sent_fields(self, api, project):
        model = _register(api, project["id"], notes="n", tags=[{"key": "a", "value": "1"}])
        vid = model["model_versions"][0]["model_version_id"]
        url = f"{MODELS}/{model['model_id']}"
        response = api.patch(url, json={"model_version_id": vid, "notes": "better"},
                             headers=auth())
        assert response.status_code == 200, response.text
        version = response.json()
        assert version["notes"] == "better" and version["tags"] == [{"key": "a", "value": "1"}]
        response = api.patch(url, json={"model_id": model["model_id"], "model_version_id": vid,
                                        "tags": [{"key": "b", "value": "2"}]}, headers=auth())
        assert response.json()["tags"] == [{"key": "b", "value": "2"}]
        assert response.json()["notes"] == "better"
        got = api.get(f"{url}/versions/{vid}", headers=auth()).json()
        assert got == response.json()

    def test_delete_version_keeps_the_model_and_never_reuses_numbers(self, api, project):
        model = _register(api, project["id"])
        second = _register(api, project["id"], model["name"])["model_versions"][0]
        url = f"{MODELS}/{model['model_id']}/versions/{second['model_version_id']}"
        response = api.delete(url, headers=auth())
        assert response.status_code == 200 and response.json() == {}
        assert_envelope(api.get(url, headers=auth()), 404, 5)
        assert _get(api, model["model_id"]).json()["count"] == 1
        third = _register(api, project["id"], model["name"])["model_versions"][0]
        assert third["number"] == 3

    def test_delete_model_deletes_its_versions(self, api, project):
        model = _register(api, project["id"])
        version = _register(api, project["id"], model["name"])["model_versions"][0]
        response = api.delete(f"{MODELS}/{model['model_id']}", headers=auth())
        assert response.status_code == 200 and response.json() == {}
        assert_envelope(_get(api, model["model_id"]), 404, 5)
        assert_envelope(api.get(f"{MODELS}/{model['model_id']}/versions/"
                                f"{version['model_version_id']}", headers=auth()), 404, 5)
        assert model["name"] not in _names(api)
        # The name is free again: registering it starts over at version 1.
        again = _register(api, project["id"], model["name"])
        assert again["model_id"] != model["model_id"]
        assert again["model_versions"][0]["number"] == 1

    def test_the_project_may_go_the_model_stays(self, api, project):
        model = _register(api, project["id"])
        assert api.delete(f"/api/v2/projects/{project['id']}", headers=auth()).status_code == 200
        got = _get(api, model["model_id"]).json()
        assert got["model_versions"][0]["model_version_metadata"]["project_id"] == project["id"]


class TestListing:
    def test_filter_sort_and_page_models(self, api, project):
        tag = unique("fleet")
        names = [f"{tag}-{i}" for i in range(5)]
        for name in names:
            _register(api, project["id"], name)
        flt = json.dumps({"model_name": tag})
        assert _names(api, search_filter=flt) == names  # oldest first by default
        assert _names(api, search_filter=flt, sort="-name") == names[::-1]
        seen, token = [], None
        while True:
            params = {"search_filter": flt, "page_size": 2, "sort": "-created_at"}
            if token:
                params["page_token"] = token
            body = api.get(MODELS, params=params, headers=auth()).json()
            seen += [m["name"] for m in body["models"]]
            for entry in body["models"]:
                assert set(entry) == DETAIL_FIELDS and entry["count"] == 1
            token = body["next_page_token"]
            if not token:
                break
        assert seen == names[::-1]

    def test_filter_by_creator_is_exact(self, world):
        project = world.post("/api/v2/projects", json={"name": "p"},
                             headers=auth("alice-key")).json()
        model = _register(world, project["id"], key="alice-key", visibility="PUBLIC")
        assert _names(world, search_filter='{"creator_id":"alice"}') == [model["name"]]
        assert _names(world, search_filter='{"creator_id":"ali"}') == []
        assert _names(world, search_filter='{"creator_id":"bob"}') == []

    def test_job_style_sort_keys_are_accepted(self, api, project):
        _register(api, project["id"])
        for key in ("kernel", "script", "status", "creator.username", "-description"):
            response = api.get(MODELS, params={"sort": key}, headers=auth())
            assert response.status_code == 200, (key, response.text)

    def test_versions_filter_sort_and_page(self, api, project):
        model = _register(api, project["id"])
        for _ in range(4):
            _register(api, project["id"], model["name"])
        mid = model["model_id"]
        got = _get(api, mid, sort="-versions").json()
        assert [v["number"] for v in got["model_versions"]] == [5, 4, 3, 2, 1]
        assert got["count"] == 5
        only = _get(api, mid, search_filter='{"version_number":"3"}').json()
        assert [v["number"] for v in only["model_versions"]] == [3] and only["count"] == 5
        mine = _get(api, mid, search_filter='{"creator_id":"admin"}').json()
        assert len(mine["model_versions"]) == 5
        numbers, token = [], None
        while True:
            params = {"page_size": 2, **({"page_token": token} if token else {})}
            page = _get(api, mid, **params).json()
            numbers += [v["number"] for v in page["model_versions"]]
            token = page["next_page_token"]
            if not token:
                break
        assert numbers == [1, 2, 3, 4, 5]
        for key in ("-created_at", "name", "status", "description", "creator.email"):
            assert _get(api, mid, sort=key).status_code == 200, key


class TestLifecycle:
    def test_a_new_version_is_registering_until_its_artifacts_are_copied(self):
        app = create_app(Settings(time_scale=1))
        with TestClient(app, raise_server_exceptions=False) as client:
            clock = app.state.mock.clock
            clock.freeze()
            project = make_project(client)
            model = _register(client, project["id"])
            version = model["model_versions"][0]
            assert version["status"] == "REGISTERING"
            url = f"{MODELS}/{model['model_id']}/versions/{version['model_version_id']}"
            clock.advance(REGISTER_SECONDS - 0.5)
            assert client.get(url, headers=auth()).json()["status"] == "REGISTERING"
            second = _register(client, project["id"], model["name"])["model_versions"][0]
            clock.advance(0.5)
            assert client.get(url, headers=auth()).json()["status"] == "REGISTERED"
            listed = _get(client, model["model_id"], sort="status").json()["model_versions"]
            assert [(v["number"], v["status"]) for v in listed] == [
                (1, "REGISTERED"), (2, "REGISTERING")]
            assert listed[1]["model_version_id"] == second["model_version_id"]
            clock.advance(REGISTER_SECONDS)
            assert client.get(url.replace(version["model_version_id"],
                                          second["model_version_id"]),
                              headers=auth()).json()["status"] == "REGISTERED"

    def test_time_scale_zero_registers_at_once(self, api, project):
        model = _register(api, project["id"])
        assert model["model_versions"][0]["status"] == "REGISTERED"
