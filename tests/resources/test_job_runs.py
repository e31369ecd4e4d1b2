"""Job runs over HTTP: every body shape CreateJobRun accepts, copied fields, listing, errors."""

from __future__ import annotations

import json

import pytest

from tests.helpers import RUNTIME, assert_envelope, auth, make_job, make_project


@pytest.fixture
def target(api):
    project = make_project(api)
    job = make_job(api, project["id"], cpu=2, memory=4, nvidia_gpu=1, arguments="--job",
                   environment={"FROM_JOB": "1", "SHARED": "job"})
    return project, job, f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs"


class TestCreate:
    def test_unauthenticated(self, api, target):
        assert_envelope(api.post(target[2]), 401, 16)

    def test_no_body_and_no_content_type(self, api, target):
        response = api.post(target[2], headers=auth())
        assert response.status_code == 200, response.text
        assert response.json()["job_id"] == target[1]["id"]

    @pytest.mark.parametrize("body", [{}, "ids"])
    def test_empty_object_and_ids_in_body(self, api, target, body):
        project, job, url = target
        if body == "ids":
            body = {"project_id": project["id"], "job_id": job["id"]}
        response = api.post(url, json=body, headers=auth())
        assert response.status_code == 200, response.text

    def test_mismatched_ids_in_body_are_400(self, api, target):
        assert_envelope(api.post(target[2], json={"job_id": "other"}, headers=auth()), 400, 3)

    def test_copies_job_resources_and_merges_environment(self, api, target):
        project, job, url = target
        run = api.post(url, headers=auth(), json={
            "arguments": "--run", "environment": {"SHARED": "run", "FROM_RUN": "2"}}).json()
        assert set(run) >= {"project_id", "job_id", "status", "id", "created_at", "kernel",
                            "cpu", "memory", "nvidia_gpu", "arguments", "environment",
                            "creator", "runtime_identifier"}
        assert (run["cpu"], run["memory"], run["nvidia_gpu"]) == (2, 4, 1)
        assert run["runtime_identifier"] == RUNTIME and run["kernel"] == job["kernel"]
        assert run["arguments"] == "--run"
        assert json.loads(run["environment"]) == {"FROM_JOB": "1", "SHARED": "run",
                                                  "FROM_RUN": "2"}
        assert isinstance(run["environment"], str)
        assert run["creator"]["username"] == "admin" and run["project_id"] == project["id"]

    def test_arguments_default_to_the_job(self, api, target):
        assert api.post(target[2], headers=auth()).json()["arguments"] == "--job"

    def test_environment_must_be_strings_map(self, api, target):
        assert_envelope(api.post(target[2], json={"environment": ["x"]}, headers=auth()), 400, 3)

    def test_missing_job_is_404(self, api, target):
        url = f"/api/v2/projects/{target[0]['id']}/jobs/nope/runs"
        assert_envelope(api.post(url, headers=auth()), 404, 5)


class TestReadAndList:
    def test_get_and_list(self, api, target):
        _, _, url = target
        created = [api.post(url, headers=auth()).json() for _ in range(25)]
        got = api.get(f"{url}/{created[0]['id']}", headers=auth()).json()
        assert got["id"] == created[0]["id"] and got["status"] == "ENGINE_SUCCEEDED"
        first = api.get(url, headers=auth()).json()
        assert len(first["job_runs"]) == 10 and first["next_page_token"]
        seen, token = [], None
        while True:
            body = api.get(url, headers=auth(), params={
                "page_size": 10, "sort": "-created_at",
                **({"page_token": token} if token else {})}).json()
            seen += [r["id"] for r in body["job_runs"]]
            token = body.get("next_page_token")
            if not token:
                break
        assert sorted(seen) == sorted(r["id"] for r in created) and len(seen) == 25
        latest = api.get(url, headers=auth(), params={"sort": "-created_at", "page_size": 1})
        assert latest.json()["job_runs"][0]["id"] == seen[0]
        done = api.get(url, headers=auth(), params={
            "search_filter": json.dumps({"status": "succeeded"}), "page_size": 100}).json()
        assert len(done["job_runs"]) == 25

    def test_get_missing_run_is_404(self, api, target):
        assert_envelope(api.get(f"{target[2]}/nope", headers=auth()), 404, 5)

    def test_filter_errors(self, api, target):
        url = target[2]
        assert_envelope(api.get(url, headers=auth(), params={"search_filter": "["}), 400, 3)
        assert_envelope(api.get(url, headers=auth(), params={
            "search_filter": json.dumps({"status": "sleeping"})}), 400, 3)
        assert_envelope(api.get(url, headers=auth(), params={"sort": "+nothing"}), 400, 3)
