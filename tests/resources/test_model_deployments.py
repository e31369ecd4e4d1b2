"""Model deployments over HTTP: the create body (and its nvidia_gpus quirk), defaults from
the model, stop and restart, one active deployment per model, listing.

These run at time scale 0, where every phase is over the moment it begins; the phases
themselves are covered in tests/lifecycle/test_model_lifecycles.py.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import assert_envelope, auth, make_project
from tests.resources.test_models import (
    deployments_url,
    fields_of,
    make_build,
    make_deployment,
    make_model,
    models_url,
)


@pytest.fixture
def target(api):
    project = make_project(api)
    model = make_model(api, project["id"])
    build = make_build(api, project["id"], model["id"])
    return project, model, build, deployments_url(project["id"], build)


class TestCreate:
    def test_unauthenticated(self, api, target):
        assert_envelope(api.post(target[3], json={}), 401, 16)

    def test_missing_build_is_404(self, api, target):
        project, model, build, _ = target
        url = deployments_url(project["id"], {**build, "id": "nope"})
        assert_envelope(api.post(url, json={}, headers=auth()), 404, 5)

    @pytest.mark.parametrize(
        "fields",
        [
            {"cpu": -1},
            {"memory": -0.5},
            {"nvidia_gpus": -1},
            {"replicas": -2},
            {"environment": {"MOCKCML_OUTCOME": "exploded"}},
            {"environment": {"MOCKCML_DURATION": "later"}},
            {"environment": ["A=1"]},
            {"environment": {"A": 1}},
            {"build_id": "another"},
            {"cpu": "lots"},
        ],
    )
    def test_invalid_input_is_400_and_writes_nothing(self, api, target, fields):
        assert_envelope(api.post(target[3], json=fields, headers=auth()), 400, 3)
        assert api.get(target[3], headers=auth()).json()["model_deployments"] == []

    def test_a_build_that_is_not_built_cannot_be_deployed(self, api, target):
        project, model, _, _ = target
        failed = make_build(api, project["id"], model["id"], comment="MOCKCML_OUTCOME=failed")
        url = deployments_url(project["id"], failed)
        body = assert_envelope(api.post(url, json={}, headers=auth()), 400, 9)
        assert "build failed" in body["message"]

    def test_every_field_with_the_nvidia_gpus_quirk(self, api, target):
        project, model, build, url = target
        response = api.post(url, headers=auth(), json={
            "project_id": project["id"], "model_id": model["id"], "build_id": build["id"],
            "cpu": 1.5, "memory": 3, "nvidia_gpus": 2, "replicas": 2,
            "environment": {"A": "1"}, "deployment_secrets": {"TOKEN": "s3cret"},
            "accelerator_label_id": "9", "resource_group_id": 4, "resource_profile_id": 5})
        assert response.status_code == 200, response.text
        deployment = response.json()
        assert set(deployment) == fields_of("ModelDeployment") - {"stopped_at"}
        assert deployment["nvidia_gpu"] == 2 and "nvidia_gpus" not in deployment
        assert (deployment["cpu"], deployment["memory"], deployment["replicas"]) == (1.5, 3, 2)
        assert deployment["environment"] == '{"A":"1"}'
        assert "s3cret" not in json.dumps(deployment)
        assert deployment["accelerator_label_id"] == "9"
        assert (deployment["resource_group_id"], deployment["resource_profile_id"]) == (4, 5)
        assert (deployment["project_id"], deployment["model_id"], deployment["build_id"]) == (
            project["id"], model["id"], build["id"])
        assert deployment["deployer"]["username"] == "admin"
        assert deployment["status"] == "deployed" and deployment["crn"].endswith(deployment["id"])
        got = api.get(f"{url}/{deployment['id']}", headers=auth()).json()
        assert got == deployment

    def test_resources_default_to_the_model(self, api, target):
        project, model, build, url = target
        plain = make_deployment(api, project["id"], build)
        assert (plain["cpu"], plain["memory"], plain["nvidia_gpu"], plain["replicas"]) == (
            1, 2, 0, 1)
        api.patch(f"{models_url(project['id'])}/{model['id']}", headers=auth(), json={
            "default_resources": {"cpu_millicores": "500", "memory_mb": "1024",
                                  "nvidia_gpus": "1"},
            "default_replication_policy": {"num_replicas": "3"}})
        tuned = make_deployment(api, project["id"], build, memory=8)
        assert (tuned["cpu"], tuned["memory"], tuned["nvidia_gpu"], tuned["replicas"]) == (
            0.5, 8, 1, 3)
        assert tuned["environment"] == "{}"


class TestStopRestart:
    def test_stop_then_restart(self, api, target):
        project, _, build, url = target
        deployment = make_deployment(api, project["id"], build)
        durl = f"{url}/{deployment['id']}"
        stopped = api.post(f"{durl}:stop", headers=auth()).json()
        assert stopped["status"] == "stopped" and "stopped_at" in stopped
        assert stopped["updated_at"] == stopped["stopped_at"]
        assert api.get(durl, headers=auth()).json() == stopped
        refused = assert_envelope(api.post(f"{durl}:stop", headers=auth()), 400, 9)
        assert "stopped" in refused["message"]
        restarted = api.post(f"{durl}:restart", headers=auth()).json()
        assert restarted["status"] == "deployed" and "stopped_at" not in restarted
        again = api.post(f"{durl}:restart", headers=auth())
        assert again.status_code == 200 and again.json()["status"] == "deployed"

    def test_a_failed_deployment_restarts_but_does_not_stop(self, api, target):
        project, _, build, url = target
        failed = make_deployment(api, project["id"], build,
                                 environment={"MOCKCML_OUTCOME": "failed"})
        assert failed["status"] == "failed"
        durl = f"{url}/{failed['id']}"
        assert_envelope(api.post(f"{durl}:stop", headers=auth()), 400, 9)
        # The script lives in the environment, so a restart fails again.
        assert api.post(f"{durl}:restart", headers=auth()).json()["status"] == "failed"

    def test_restart_accepts_an_empty_body(self, api, target):
        project, _, build, url = target
        deployment = make_deployment(api, project["id"], build)
        response = api.post(f"{url}/{deployment['id']}:restart", json={}, headers=auth())
        assert response.status_code == 200, response.text

    def test_missing_deployment_is_404(self, api, target):
        url = target[3]
        for verb in ("stop", "restart"):
            assert_envelope(api.post(f"{url}/nope:{verb}", headers=auth()), 404, 5)
        assert_envelope(api.get(f"{url}/nope", headers=auth()), 404, 5)

    def test_a_new_deployment_replaces_the_active_one(self, api, target):
        project, model, build, url = target
        first = make_deployment(api, project["id"], build)
        newer = make_build(api, project["id"], model["id"])
        second = make_deployment(api, project["id"], newer)
        assert second["status"] == "deployed"
        assert api.get(f"{url}/{first['id']}", headers=auth()).json()["status"] == "stopped"
        # Restarting the first one stops the second in turn.
        api.post(f"{url}/{first['id']}:restart", headers=auth())
        second_url = f"{deployments_url(project['id'], newer)}/{second['id']}"
        assert api.get(second_url, headers=auth()).json()["status"] == "stopped"

    def test_other_models_are_not_touched(self, api, target):
        project, _, build, url = target
        first = make_deployment(api, project["id"], build)
        other = make_model(api, project["id"])
        make_deployment(api, project["id"], make_build(api, project["id"], other["id"]))
        assert api.get(f"{url}/{first['id']}", headers=auth()).json()["status"] == "deployed"


class TestListing:
    def test_paging_filter_sort(self, api, target):
        project, _, build, url = target
        made = [make_deployment(api, project["id"], build) for _ in range(12)]
        # Each new deployment stopped the one before it: only the last is deployed.
        first = api.get(url, headers=auth()).json()
        assert len(first["model_deployments"]) == 10 and first["next_page_token"]
        assert [d["id"] for d in first["model_deployments"]] == [d["id"] for d in made[:10]]
        rest = api.get(url, headers=auth(), params={"page_token": first["next_page_token"]})
        assert [d["id"] for d in rest.json()["model_deployments"]] == [d["id"] for d in made[10:]]

        def ids(**params):
            body = api.get(url, headers=auth(), params={"page_size": 100, **params}).json()
            return [d["id"] for d in body["model_deployments"]]

        assert ids(search_filter=json.dumps({"status": "deployed"})) == [made[-1]["id"]]
        assert len(ids(search_filter=json.dumps({"status": "stopped"}))) == 11
        assert ids(search_filter=json.dumps({"status": "pending"})) == []
        assert len(ids(search_filter=json.dumps({"deployer.username": "admin"}))) == 12
        assert ids(sort="-created_at")[0] == made[-1]["id"]
        assert ids(sort="status")[0] == made[-1]["id"]  # deployed < stopped

    @pytest.mark.parametrize("params", [
        {"search_filter": json.dumps({"status": "running"})},
        {"search_filter": json.dumps({"colour": "1"})},
        {"sort": "cpu"},
    ])
    def test_bad_listing_parameters_are_400(self, api, target, params):
        assert_envelope(api.get(target[3], headers=auth(), params=params), 400, 3)
