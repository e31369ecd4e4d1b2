"""Model builds over HTTP: validation, fields, scripted outcomes, listing, deletion.

These run at time scale 0, where every build finishes the moment it is created; the
phases themselves are covered in tests/lifecycle/test_model_lifecycles.py.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import RUNTIME, assert_envelope, auth, make_project
from tests.resources.test_models import (
    builds_url,
    deployments_url,
    fields_of,
    make_build,
    make_deployment,
    make_model,
)


@pytest.fixture
def target(api):
    project = make_project(api)
    model = make_model(api, project["id"])
    return project, model, builds_url(project["id"], model["id"])


def _create(api, url, **fields):
    body = {"file_path": "predict.py", "function_name": "predict", "runtime_identifier": RUNTIME,
            **fields}
    return api.post(url, json=body, headers=auth())


class TestCreate:
    def test_unauthenticated(self, api, target):
        assert_envelope(api.post(target[2], json={}), 401, 16)

    def test_missing_model_is_404(self, api, target):
        url = builds_url(target[0]["id"], "nope")
        assert_envelope(_create(api, url), 404, 5)

    @pytest.mark.parametrize(
        "fields",
        [
            {"file_path": ""},
            {"function_name": ""},
            {"runtime_identifier": ""},
            {"kernel": "cobol"},
            {"resource_group_id": -1},
            {"model_id": "another"},
            {"project_id": "another"},
            {"comment": "MOCKCML_OUTCOME=exploded"},
            {"comment": "MOCKCML_DURATION=soon"},
            {"comment": "MOCKCML_PENDING_DURATION=-1"},
            {"runtime_addon_identifiers": "hadoop"},
            {"auto_deployment_config": {"nvidia_gpus": -1}, "auto_deploy_model": True},
            {"auto_deployment_config": {"environment": {"MOCKCML_OUTCOME": "maybe"}},
             "auto_deploy_model": True},
        ],
    )
    def test_invalid_input_is_400_and_writes_nothing(self, api, target, fields):
        assert_envelope(_create(api, target[2], **fields), 400, 3)
        assert api.get(target[2], headers=auth()).json()["model_builds"] == []

    def test_every_field_with_wire_types(self, api, target):
        project, model, url = target
        response = _create(api, url, comment="first", kernel="python3", model_root_dir="srv",
                           build_script_path="srv/build.sh", runtime_addon_identifiers=["spark"],
                           project_id=project["id"], model_id=model["id"])
        assert response.status_code == 200, response.text
        build = response.json()
        assert set(build) == fields_of("ModelBuild")
        assert build["model_id"] == model["id"] and build["comment"] == "first"
        assert build["file_path"] == "predict.py" and build["function_name"] == "predict"
        assert build["kernel"] == "python3" and build["runtime_identifier"] == RUNTIME
        assert build["runtime_addon_identifiers"] == ["spark"]
        assert build["model_root_dir"] == "srv" and build["build_script_path"] == "srv/build.sh"
        assert build["creator"]["username"] == "admin" and build["deletion_status"] == ""
        assert build["crn"].endswith(build["id"]) and build["engine_image"] == ""
        # Time scale 0: built at once.
        assert build["status"] == "built" and build["built_at"] == build["created_at"]
        assert api.get(f"{url}/{build['id']}", headers=auth()).json() == build

    def test_registry_build_needs_no_file(self, api, target):
        response = api.post(target[2], headers=auth(), json={
            "registered_model_version_id": "v-1", "runtime_identifier": RUNTIME})
        assert response.status_code == 200, response.text
        assert response.json()["registered_model_version_id"] == "v-1"

    def test_legacy_engine_project_defaults_kernel(self, api):
        legacy = make_project(api, default_project_engine_type="legacy_engine")
        model = make_model(api, legacy["id"])
        build = api.post(builds_url(legacy["id"], model["id"]), headers=auth(),
                         json={"file_path": "p.py", "function_name": "f"}).json()
        assert build["kernel"] == "python3" and build["runtime_identifier"] == ""

    @pytest.mark.parametrize("outcome, status", [("failed", "build failed"),
                                                 ("timedout", "timedout"),
                                                 ("succeeded", "built"), ("built", "built")])
    def test_outcome_scripted_in_the_comment(self, api, target, outcome, status):
        build = make_build(api, target[0]["id"], target[1]["id"],
                           comment=f"nightly MOCKCML_OUTCOME={outcome} retrain")
        assert build["status"] == status
        assert ("built_at" in build) is (status == "built")
        assert build["comment"] == f"nightly MOCKCML_OUTCOME={outcome} retrain"

    def test_get_accepts_registered_model_version_id(self, api, target):
        build = make_build(api, target[0]["id"], target[1]["id"])
        got = api.get(f"{target[2]}/{build['id']}", headers=auth(),
                      params={"registered_model_version_id": "anything"})
        assert got.json() == build

    def test_build_of_another_model_is_404(self, api, target):
        project, _, url = target
        other = make_model(api, project["id"])
        build = make_build(api, project["id"], other["id"])
        assert_envelope(api.get(f"{url}/{build['id']}", headers=auth()), 404, 5)
        assert_envelope(api.get(f"{url}/nope", headers=auth()), 404, 5)


class TestListing:
    def test_paging_filter_sort(self, api, target):
        project, model, url = target
        made = []
        for i in range(12):
            outcome = " MOCKCML_OUTCOME=failed" if i % 4 == 0 else ""
            made.append(make_build(api, project["id"], model["id"],
                                   comment=f"build-{i:02d}{outcome}"))
        first = api.get(url, headers=auth()).json()
        assert len(first["model_builds"]) == 10 and first["next_page_token"]
        assert [b["id"] for b in first["model_builds"]] == [b["id"] for b in made[:10]]
        rest = api.get(url, headers=auth(), params={"page_token": first["next_page_token"]})
        assert [b["id"] for b in rest.json()["model_builds"]] == [b["id"] for b in made[10:]]

        def comments(**params):
            body = api.get(url, headers=auth(), params={"page_size": 100, **params}).json()
            return [b["comment"].split(" ")[0] for b in body["model_builds"]]

        failed = comments(search_filter=json.dumps({"status": "build failed"}))
        assert failed == ["build-00", "build-04", "build-08"]
        assert len(comments(search_filter=json.dumps({"status": "built"}))) == 9
        assert comments(search_filter=json.dumps({"status": "succeeded"})) == []
        assert comments(search_filter=json.dumps({"status": "unknown"})) == []
        assert comments(search_filter=json.dumps({"comment": "build-1"})) == [
            "build-10", "build-11"]
        assert comments(search_filter=json.dumps({"crn": made[3]["id"]})) == ["build-03"]
        assert comments(search_filter=json.dumps({"creator.username": "admin"}))[:1] == [
            "build-00"]
        assert comments(sort="-comment")[:2] == ["build-11", "build-10"]
        # Builds sort by the time they were built; those never built come after them.
        by_built = comments(sort="built_at")
        assert by_built[:3] == ["build-01", "build-02", "build-03"]
        assert set(by_built[-3:]) == {"build-00", "build-04", "build-08"}
        assert comments(sort="-status,-created_at")[:3] == ["build-11", "build-10", "build-09"]
        assert comments(sort="status,created_at")[:3] == ["build-00", "build-04", "build-08"]
        assert len(comments(sort="-updated_at")) == 12

    @pytest.mark.parametrize("params", [
        {"search_filter": json.dumps({"status": "building"})},
        {"search_filter": json.dumps({"status": "BUILT"})},
        {"search_filter": json.dumps({"name": "x"})},
        {"sort": "name"},
    ])
    def test_bad_listing_parameters_are_400(self, api, target, params):
        assert_envelope(api.get(target[2], headers=auth(), params=params), 400, 3)


class TestDelete:
    def test_delete_a_build_and_its_stopped_deployments(self, api, target):
        project, model, url = target
        build = make_build(api, project["id"], model["id"])
        deployment = make_deployment(api, project["id"], build)
        durl = deployments_url(project["id"], build)
        assert api.post(f"{durl}/{deployment['id']}:stop",
                        headers=auth()).json()["status"] == "stopped"
        assert api.delete(f"{url}/{build['id']}", headers=auth()).json() == {}
        assert_envelope(api.get(f"{url}/{build['id']}", headers=auth()), 404, 5)
        assert_envelope(api.get(durl, headers=auth()), 404, 5)
        assert_envelope(api.delete(f"{url}/{build['id']}", headers=auth()), 404, 5)

    def test_a_build_with_an_active_deployment_is_not_deleted(self, api, target):
        project, model, url = target
        build = make_build(api, project["id"], model["id"])
        deployment = make_deployment(api, project["id"], build)
        body = assert_envelope(api.delete(f"{url}/{build['id']}", headers=auth()), 400, 9)
        assert deployment["id"] in body["message"]
        assert api.get(f"{url}/{build['id']}", headers=auth()).json() == build

    def test_a_failed_build_is_deleted(self, api, target):
        project, model, url = target
        build = make_build(api, project["id"], model["id"], comment="MOCKCML_OUTCOME=failed")
        assert api.delete(f"{url}/{build['id']}", headers=auth()).json() == {}
