"""Models: fields, wire types, validation, partial update, cascading delete, listing, access.

The helpers at the top are shared by the model-build, model-deployment and model
lifecycle tests.
"""

from __future__ import annotations

import json

import pytest

from mockcml.core.contract import load_contract
from tests.helpers import ADMIN_KEY, RUNTIME, assert_envelope, auth, make_project, unique


def models_url(project_id: str) -> str:
    return f"/api/v2/projects/{project_id}/models"


def builds_url(project_id: str, model_id: str) -> str:
    return f"{models_url(project_id)}/{model_id}/builds"


def deployments_url(project_id: str, build: dict) -> str:
    return f"{builds_url(project_id, build['model_id'])}/{build['id']}/deployments"


def make_model(client, project_id: str, /, key: str = ADMIN_KEY, **fields) -> dict:  # noqa: ANN001
    body = {"name": unique("model"), **fields}
    response = client.post(models_url(project_id), json=body, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


def make_build(client, project_id: str, model_id: str, /, key: str = ADMIN_KEY,  # noqa: ANN001
               **fields) -> dict:
    body = {"file_path": "predict.py", "function_name": "predict", "runtime_identifier": RUNTIME,
            **fields}
    response = client.post(builds_url(project_id, model_id), json=body, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


def make_deployment(client, project_id: str, build: dict, /, key: str = ADMIN_KEY,  # noqa: ANN001
                    **fields) -> dict:
    response = client.post(deployments_url(project_id, build), json=fields, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


def fields_of(model: str) -> set[str]:
    return set(load_contract().definitions[model]["properties"])


@pytest.fixture
def project(api):
    return make_project(api)


class TestCreate:
    def test_unauthenticated(self, api, project):
        assert_envelope(api.post(models_url(project["id"]), json={"name": "m"}), 401, 16)

    def test_missing_project_is_404(self, api):
        assert_envelope(api.post(models_url("nope"), json={"name": "m"}, headers=auth()), 404, 5)

    @pytest.mark.parametrize(
        "fields",
        [
            {"name": ""},
            {"name": "   "},
            {"run_as": -1},
            {"resource_group_id": -2},
            {"accelerator_label_id": "-3"},
            {"accelerator_label_id": "many"},
            {"disable_authentication": "yes"},
            {"auto_deploy_model": True},
            {"project_id": "another"},
        ],
    )
    def test_invalid_input_is_400_and_writes_nothing(self, api, project, fields):
        name = unique("bad")
        response = api.post(models_url(project["id"]), json={"name": name, **fields},
                            headers=auth())
        assert_envelope(response, 400, 3)
        listed = api.get(models_url(project["id"]), headers=auth()).json()["models"]
        assert listed == []

    def test_without_a_name_is_400(self, api, project):
        assert_envelope(api.post(models_url(project["id"]), json={}, headers=auth()), 400, 3)

    def test_every_field_with_wire_types(self, api, project):
        model = make_model(api, project["id"], description="churn", visibility="private",
                           accelerator_label_id=7, run_as=3, resource_profile_id=2)
        assert set(model) == fields_of("Model") - {"project"}
        assert model["description"] == "churn" and model["auth_enabled"] is True
        assert model["creator"] == {"username": "admin", "name": "Admin",
                                    "email": "admin@example.com"}
        # int64 fields travel as strings, int32 as numbers.
        assert model["accelerator_label_id"] == "7" and model["run_as"] == 3
        assert model["resource_profile_id"] == 2 and model["resource_group_id"] == 0
        assert model["default_resources"] == {"cpu_millicores": "1000", "memory_mb": "2048",
                                              "nvidia_gpus": "0"}
        assert model["default_replication_policy"] == {"num_replicas": "1", "type": "fixed"}
        assert len(model["access_key"]) == 32 and model["access_key"].isalnum()
        assert model["crn"].startswith("crn:cdp:ml:") and model["crn"].endswith(model["id"])
        assert model["deletion_status"] == "" and model["registered_model_id"] == ""
        assert model["created_at"] == model["updated_at"] and model["created_at"].endswith("Z")
        got = api.get(f"{models_url(project['id'])}/{model['id']}", headers=auth())
        assert got.json() == model

    def test_disable_authentication_turns_auth_off_and_camel_case_is_accepted(self, api, project):
        model = make_model(api, project["id"], disableAuthentication=True,
                           registeredModelId="rm-1")
        assert model["auth_enabled"] is False and model["registered_model_id"] == "rm-1"

    def test_body_may_repeat_the_project_id(self, api, project):
        model = make_model(api, project["id"], project_id=project["id"])
        assert model["id"]

    def test_duplicate_name_in_a_project_is_409_but_fine_elsewhere(self, api, project):
        model = make_model(api, project["id"])
        response = api.post(models_url(project["id"]), json={"name": model["name"]},
                            headers=auth())
        assert_envelope(response, 409, 6)
        assert make_model(api, make_project(api)["id"], name=model["name"])["id"]

    def test_auto_build_and_auto_deploy(self, api, project):
        model = make_model(api, project["id"], auto_build_model=True, auto_deploy_model=True,
                           auto_build_config={"file_path": "p.py", "function_name": "f",
                                              "runtime_identifier": RUNTIME, "comment": "auto"},
                           auto_deployment_config={"cpu": 2, "memory": 4, "nvidia_gpus": 0,
                                                   "environment": {"K": "v"}})
        builds = api.get(builds_url(project["id"], model["id"]), headers=auth()).json()
        [build] = builds["model_builds"]
        assert build["comment"] == "auto" and build["status"] == "built"
        [deployment] = api.get(deployments_url(project["id"], build),
                               headers=auth()).json()["model_deployments"]
        assert deployment["status"] == "deployed"
        assert (deployment["cpu"], deployment["memory"]) == (2, 4)
        assert json.loads(deployment["environment"]) == {"K": "v"}

    def test_auto_build_only(self, api, project):
        model = make_model(api, project["id"], auto_build_model=True,
                           auto_build_config={"file_path": "p.py", "function_name": "f",
                                              "runtime_identifier": RUNTIME})
        [build] = api.get(builds_url(project["id"], model["id"]),
                          headers=auth()).json()["model_builds"]
        assert api.get(deployments_url(project["id"], build),
                       headers=auth()).json()["model_deployments"] == []

    def test_invalid_auto_build_config_writes_no_model(self, api, project):
        response = api.post(models_url(project["id"]), headers=auth(), json={
            "name": "m", "auto_build_model": True, "auto_build_config": {"file_path": "p.py"}})
        assert_envelope(response, 400, 3)
        assert api.get(models_url(project["id"]), headers=auth()).json()["models"] == []


class TestUpdate:
    def test_patch_changes_only_sent_fields(self, api, project):
        model = make_model(api, project["id"], description="before", run_as=2)
        url = f"{models_url(project['id'])}/{model['id']}"
        response = api.patch(url, headers=auth(), json={
            "description": "after", "default_resources": {"memory_mb": "4096"},
            "default_replication_policy": {"num_replicas": 3}})
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["description"] == "after" and updated["name"] == model["name"]
        assert updated["run_as"] == 2 and updated["access_key"] == model["access_key"]
        assert updated["default_resources"] == {"cpu_millicores": "1000", "memory_mb": "4096",
                                                "nvidia_gpus": "0"}
        assert updated["default_replication_policy"] == {"num_replicas": "3", "type": "fixed"}
        assert updated["updated_at"] >= model["updated_at"]
        assert updated["created_at"] == model["created_at"]
        assert api.get(url, headers=auth()).json() == updated

    def test_patch_the_whole_resource_back(self, api, project):
        model = make_model(api, project["id"])
        url = f"{models_url(project['id'])}/{model['id']}"
        keys = fields_of("UpdateSingleModel")
        body = {k: v for k, v in model.items() if k in keys} | {"name": "renamed"}
        updated = api.patch(url, json=body, headers=auth()).json()
        assert updated["name"] == "renamed" and updated["id"] == model["id"]

    @pytest.mark.parametrize(
        "fields",
        [
            {"name": ""},
            {"default_resources": {"cpu_millicores": "0"}},
            {"default_resources": {"nvidia_gpus": "-1"}},
            {"default_replication_policy": {"num_replicas": "0"}},
            {"run_as": -1},
        ],
    )
    def test_invalid_patch_is_400_and_changes_nothing(self, api, project, fields):
        model = make_model(api, project["id"])
        url = f"{models_url(project['id'])}/{model['id']}"
        response = api.patch(url, json={"description": "changed", **fields}, headers=auth())
        assert_envelope(response, 400, 3)
        assert api.get(url, headers=auth()).json() == model

    def test_rename_onto_another_model_is_409(self, api, project):
        first, second = make_model(api, project["id"]), make_model(api, project["id"])
        url = f"{models_url(project['id'])}/{second['id']}"
        assert_envelope(api.patch(url, json={"name": first["name"]}, headers=auth()), 409, 6)
        same = api.patch(url, json={"name": second["name"]}, headers=auth())
        assert same.status_code == 200

    def test_missing_model_and_model_of_another_project_are_404(self, api, project):
        assert_envelope(api.patch(f"{models_url(project['id'])}/nope", json={},
                                  headers=auth()), 404, 5)
        other = make_model(api, make_project(api)["id"])
        assert_envelope(api.get(f"{models_url(project['id'])}/{other['id']}", headers=auth()),
                        404, 5)


class TestDelete:
    def test_delete_removes_builds_and_deployments(self, api, project):
        model = make_model(api, project["id"])
        build = make_build(api, project["id"], model["id"])
        deployment = make_deployment(api, project["id"], build)
        url = f"{models_url(project['id'])}/{model['id']}"
        assert api.delete(url, headers=auth()).json() == {}
        assert_envelope(api.get(url, headers=auth()), 404, 5)
        assert_envelope(api.get(f"{builds_url(project['id'], model['id'])}/{build['id']}",
                                headers=auth()), 404, 5)
        assert_envelope(api.get(f"{deployments_url(project['id'], build)}/{deployment['id']}",
                                headers=auth()), 404, 5)
        assert_envelope(api.delete(url, headers=auth()), 404, 5)
        # The name is free again.
        assert make_model(api, project["id"], name=model["name"])["id"] != model["id"]

    def test_deleting_the_project_removes_its_models(self, api, project):
        model = make_model(api, project["id"])
        build = make_build(api, project["id"], model["id"])
        make_deployment(api, project["id"], build)
        filt = {"search_filter": json.dumps({"name": model["name"]})}
        assert len(api.get("/api/v2/models", headers=auth(), params=filt).json()["models"]) == 1
        assert api.delete(f"/api/v2/projects/{project['id']}", headers=auth()).status_code == 200
        assert api.get("/api/v2/models", headers=auth(), params=filt).json()["models"] == []


class TestListing:
    def test_paging_filter_sort(self, api, project):
        for i in range(25):
            make_model(api, project["id"], name=f"model-{i:02d}", description=f"d{i % 3}",
                       disable_authentication=i % 5 == 0)
        url = models_url(project["id"])
        first = api.get(url, headers=auth()).json()
        assert len(first["models"]) == 10 and first["next_page_token"]
        assert [m["name"] for m in first["models"]] == [f"model-{i:02d}" for i in range(10)]
        names, token = [], None
        while True:
            body = api.get(url, headers=auth(), params={
                "page_size": 7, "sort": "-name", **({"page_token": token} if token else {})}).json()
            names += [m["name"] for m in body["models"]]
            token = body.get("next_page_token")
            if not token:
                break
        assert names == [f"model-{i:02d}" for i in reversed(range(25))]

        def names_for(**params):
            body = api.get(url, headers=auth(), params={"page_size": 100, **params}).json()
            return [m["name"] for m in body["models"]]

        assert len(names_for(search_filter=json.dumps({"description": "d1"}))) == 8
        assert len(names_for(search_filter=json.dumps({"auth_enabled": "false"}))) == 5
        assert len(names_for(search_filter=json.dumps({"auth_enabled": True}))) == 20
        assert names_for(search_filter=json.dumps({"name": "model-1"})) == [
            f"model-{i}" for i in range(10, 20)]
        assert len(names_for(search_filter=json.dumps({"creator.username": "adm"}))) == 25
        by_auth = names_for(sort="auth_enabled,-name")
        assert by_auth[:5] == ["model-20", "model-15", "model-10", "model-05", "model-00"]

    @pytest.mark.parametrize("params", [{"search_filter": "{"}, {"search_filter": '{"x":"1"}'},
                                        {"sort": "colour"},
                                        {"search_filter": '{"auth_enabled":"maybe"}'},
                                        {"page_token": "garbage"}])
    def test_bad_listing_parameters_are_400(self, api, project, params):
        assert_envelope(api.get(models_url(project["id"]), headers=auth(), params=params), 400, 3)

    def test_list_all_models_fills_in_project(self, api, project):
        model = make_model(api, project["id"])
        body = api.get("/api/v2/models", headers=auth(), params={
            "search_filter": json.dumps({"name": model["name"]})}).json()
        assert [m["id"] for m in body["models"]] == [model["id"]]
        assert body["models"][0]["project"] == {
            "public_identifier": project["id"], "name": project["name"],
            "default_project_engine": "ml_runtime", "slug": project["slug"]}
        assert set(body["models"][0]) == fields_of("Model")

    def test_list_all_models_pages(self, api, project):
        prefix = unique("all")
        for i in range(3):
            make_model(api, project["id"], name=f"{prefix}-{i}")
        filt = json.dumps({"name": prefix})
        first = api.get("/api/v2/models", headers=auth(),
                        params={"search_filter": filt, "page_size": 2}).json()
        assert len(first["models"]) == 2 and first["next_page_token"]
        rest = api.get("/api/v2/models", headers=auth(), params={
            "search_filter": filt, "page_size": 2, "page_token": first["next_page_token"]}).json()
        assert len(rest["models"]) == 1 and not rest["next_page_token"]


# --- access ---------------------------------------------------------------------------

ROLES = {"bob": "read", "dave": "operator", "carol": "write", "erin": "admin"}
CAN = {
    "view": {"alice", "bob", "dave", "carol", "erin", "admin"},
    "write": {"alice", "carol", "erin", "admin"},
}
USERS = ["alice", "bob", "dave", "carol", "erin", "admin", "mallory"]


def _key(user: str) -> str:
    return ADMIN_KEY if user == "admin" else f"{user}-key"


def _expect(response, user: str, capability: str) -> None:  # noqa: ANN001
    if user in CAN[capability]:
        assert response.status_code == 200, (user, capability, response.text)
    elif user in CAN["view"]:
        assert_envelope(response, 403, 7)
    else:
        assert_envelope(response, 404, 5)


def _alices_model(world, visibility: str = "private", **roles) -> tuple[str, dict, dict, dict]:
    project = make_project(world, key="alice-key", visibility=visibility)
    for user, permission in roles.items():
        response = world.put(f"/api/v2/projects/{project['id']}/collaborators/{user}",
                             json={"permission": permission}, headers=auth("alice-key"))
        assert response.status_code == 200, response.text
    model = make_model(world, project["id"], key="alice-key")
    build = make_build(world, project["id"], model["id"], key="alice-key")
    deployment = make_deployment(world, project["id"], build, key="alice-key")
    return project["id"], model, build, deployment


@pytest.mark.parametrize("user", USERS)
def test_each_role_on_each_operation(world, user):
    pid, model, build, deployment = _alices_model(world, **ROLES)
    h = auth(_key(user))
    murl = f"{models_url(pid)}/{model['id']}"
    burl = f"{builds_url(pid, model['id'])}/{build['id']}"
    durl = f"{deployments_url(pid, build)}/{deployment['id']}"
    _expect(world.get(models_url(pid), headers=h), user, "view")
    _expect(world.get(murl, headers=h), user, "view")
    _expect(world.get(builds_url(pid, model["id"]), headers=h), user, "view")
    _expect(world.get(burl, headers=h), user, "view")
    _expect(world.get(deployments_url(pid, build), headers=h), user, "view")
    _expect(world.get(durl, headers=h), user, "view")
    _expect(world.patch(murl, json={"description": "x"}, headers=h), user, "write")
    _expect(world.post(f"{durl}:stop", headers=h), user, "write")
    _expect(world.post(f"{durl}:restart", headers=h), user, "write")
    _expect(world.post(deployments_url(pid, build), json={}, headers=h), user, "write")
    _expect(world.post(builds_url(pid, model["id"]), headers=h, json={
        "file_path": "a.py", "function_name": "f", "runtime_identifier": RUNTIME}), user, "write")
    _expect(world.post(models_url(pid), json={"name": unique("m")}, headers=h), user, "write")


@pytest.mark.parametrize("user", ["bob", "dave", "mallory"])
def test_destructive_calls_refused_and_nothing_changes(world, user):
    pid, model, build, deployment = _alices_model(world, **ROLES)
    h = auth(_key(user))
    stopped = world.post(f"{deployments_url(pid, build)}/{deployment['id']}:stop",
                         headers=auth("alice-key"))
    assert stopped.json()["status"] == "stopped"
    _expect(world.delete(f"{builds_url(pid, model['id'])}/{build['id']}", headers=h), user,
            "write")
    _expect(world.delete(f"{models_url(pid)}/{model['id']}", headers=h), user, "write")
    owner = auth("alice-key")
    assert world.get(f"{builds_url(pid, model['id'])}/{build['id']}",
                     headers=owner).status_code == 200
    assert world.get(f"{models_url(pid)}/{model['id']}", headers=owner).json() == model


def test_list_all_models_respects_visibility(world):
    pid, model, _, _ = _alices_model(world, bob="read")
    public = make_project(world, key="carol-key", visibility="public")
    open_model = make_model(world, public["id"], key="carol-key")
    seen = world.get("/api/v2/models", headers=auth("bob-key")).json()["models"]
    assert {m["id"] for m in seen} == {model["id"], open_model["id"]}
    assert {m["project"]["public_identifier"] for m in seen} == {pid, public["id"]}
    stranger = world.get("/api/v2/models", headers=auth("mallory-key")).json()["models"]
    assert [m["id"] for m in stranger] == [open_model["id"]]
    everything = world.get("/api/v2/models", headers=auth()).json()["models"]
    assert {model["id"], open_model["id"]} <= {m["id"] for m in everything}


def test_public_project_models_are_readable_but_not_writable(world):
    pid, model, build, deployment = _alices_model(world, visibility="public")
    h = auth("mallory-key")
    assert world.get(f"{models_url(pid)}/{model['id']}", headers=h).status_code == 200
    assert_envelope(world.post(f"{deployments_url(pid, build)}/{deployment['id']}:stop",
                               headers=h), 403, 7)
