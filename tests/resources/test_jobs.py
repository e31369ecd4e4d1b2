"""Jobs: fields, defaults, type, validation, partial update, delete, listing."""

from __future__ import annotations

import json

import pytest

from tests.helpers import RUNTIME, assert_envelope, auth, make_job, make_project, unique


@pytest.fixture
def project(api):
    return make_project(api)


def _create(api, project, **fields):
    body = {"name": unique("job"), "script": "main.py", "runtime_identifier": RUNTIME, **fields}
    return api.post(f"/api/v2/projects/{project['id']}/jobs", json=body, headers=auth())


class TestCreate:
    def test_unauthenticated(self, api, project):
        assert_envelope(api.post(f"/api/v2/projects/{project['id']}/jobs", json={}), 401, 16)

    def test_fields_defaults_and_wire_types(self, api, project):
        job = make_job(api, project["id"], environment={"A": "1"}, timeout=600)
        assert job["cpu"] == 1 and job["memory"] == 1 and job["nvidia_gpu"] == 0
        assert job["timezone"] == "America/Los_Angeles"
        assert job["retry_enabled"] is False and job["max_retry"] == 0 and job["retry_delay"] == 0
        assert job["type"] == "manual" and job["paused"] is False
        assert job["timeout"] == "600" and job["engine_image_id"] == "0"  # int64 as strings
        assert job["accelerator_label_id"] == "0"
        assert job["environment"] == '{"A":"1"}'
        assert job["creator"]["username"] == job["owner"]["username"] == "admin"
        assert job["runtime_identifier"] == RUNTIME and job["kernel"] == ""
        assert "project" not in job
        got = api.get(f"/api/v2/projects/{project['id']}/jobs/{job['id']}", headers=auth())
        assert got.json() == job

    def test_int64_accepted_as_string(self, api, project):
        response = _create(api, project, timeout="42")
        assert response.status_code == 200 and response.json()["timeout"] == "42"

    def test_camel_case_body_fields(self, api, project):
        response = _create(api, project, runtimeIdentifier=RUNTIME, killOnTimeout=True)
        assert response.status_code == 200 and response.json()["kill_on_timeout"] is True

    def test_cron_type_and_english_schedule(self, api, project):
        job = _create(api, project, schedule="30 2 * * 1", timezone="Europe/Berlin").json()
        assert job["type"] == "cron" and job["schedule"] == "30 2 * * 1"
        assert job["english_schedule"] and job["timezone"] == "Europe/Berlin"

    def test_dependent_type_with_either_alias(self, api, project):
        parent = make_job(api, project["id"])
        assert _create(api, project, parent_job_id=parent["id"]).json()["type"] == "dependent"
        child = _create(api, project, parent_id=parent["id"]).json()
        assert child["type"] == "dependent" and child["parent_id"] == parent["id"]

    @pytest.mark.parametrize(
        "fields",
        [
            {"name": ""},
            {"script": ""},
            {"schedule": "every day"},
            {"schedule": "* * * *"},
            {"timezone": "Mars/Olympus"},
            {"kernel": "cobol"},
            {"cpu": 0},
            {"memory": -1},
            {"timeout": -5},
            {"parent_job_id": "nope"},
            {"runtime_identifier": ""},
            {"cpu": "lots"},
        ],
    )
    def test_invalid_input_is_400(self, api, project, fields):
        assert_envelope(_create(api, project, **fields), 400, 3)

    def test_schedule_and_parent_together_is_400(self, api, project):
        parent = make_job(api, project["id"])
        response = _create(api, project, schedule="0 * * * *", parent_job_id=parent["id"])
        assert_envelope(response, 400, 3)

    def test_missing_project_is_404(self, api):
        response = api.post("/api/v2/projects/nope/jobs", headers=auth(),
                            json={"name": "x", "script": "x.py", "runtime_identifier": RUNTIME})
        assert_envelope(response, 404, 5)

    def test_legacy_engine_project_defaults_kernel(self, api):
        legacy = make_project(api, default_project_engine_type="legacy_engine")
        job = api.post(f"/api/v2/projects/{legacy['id']}/jobs", headers=auth(),
                       json={"name": "j", "script": "a.py"}).json()
        assert job["kernel"] == "python3"


class TestUpdate:
    def test_patch_changes_only_sent_fields(self, api, project):
        job = make_job(api, project["id"], arguments="--a", environment={"K": "1"})
        response = api.patch(f"/api/v2/projects/{project['id']}/jobs/{job['id']}",
                             json={"cpu": 2, "timeout": "30"}, headers=auth())
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["cpu"] == 2 and updated["timeout"] == "30"
        assert updated["arguments"] == "--a" and updated["environment"] == '{"K":"1"}'
        assert updated["name"] == job["name"]

    def test_patch_to_cron_and_back(self, api, project):
        job = make_job(api, project["id"])
        url = f"/api/v2/projects/{project['id']}/jobs/{job['id']}"
        assert api.patch(url, json={"schedule": "*/5 * * * *"},
                         headers=auth()).json()["type"] == "cron"
        assert api.patch(url, json={"schedule": ""}, headers=auth()).json()["type"] == "manual"

    def test_patch_invalid_leaves_job_unchanged(self, api, project):
        job = make_job(api, project["id"])
        url = f"/api/v2/projects/{project['id']}/jobs/{job['id']}"
        assert_envelope(api.patch(url, json={"cpu": 4, "schedule": "nope"}, headers=auth()),
                        400, 3)
        assert api.get(url, headers=auth()).json() == job

    def test_patch_missing_job_is_404(self, api, project):
        assert_envelope(api.patch(f"/api/v2/projects/{project['id']}/jobs/nope", json={},
                                  headers=auth()), 404, 5)

    def test_job_of_another_project_is_404(self, api, project):
        other = make_project(api)
        job = make_job(api, other["id"])
        assert_envelope(api.get(f"/api/v2/projects/{project['id']}/jobs/{job['id']}",
                                headers=auth()), 404, 5)


class TestDelete:
    def test_delete_removes_runs(self, api, project):
        job = make_job(api, project["id"])
        base = f"/api/v2/projects/{project['id']}/jobs/{job['id']}"
        assert api.post(f"{base}/runs", headers=auth()).status_code == 200
        assert api.delete(base, headers=auth()).json() == {}
        assert_envelope(api.get(base, headers=auth()), 404, 5)
        assert_envelope(api.get(f"{base}/runs", headers=auth()), 404, 5)

    def test_delete_parent_turns_children_manual(self, api, project):
        parent = make_job(api, project["id"])
        child = make_job(api, project["id"], parent_job_id=parent["id"])
        api.delete(f"/api/v2/projects/{project['id']}/jobs/{parent['id']}", headers=auth())
        got = api.get(f"/api/v2/projects/{project['id']}/jobs/{child['id']}", headers=auth())
        assert got.json()["type"] == "manual" and got.json()["parent_id"] == ""


class TestListing:
    def test_paging_filter_sort(self, api, project):
        for i in range(25):
            make_job(api, project["id"], name=f"job-{i:02d}", script=f"s{i % 3}.py")
        url = f"/api/v2/projects/{project['id']}/jobs"
        first = api.get(url, headers=auth()).json()
        assert len(first["jobs"]) == 10 and first["next_page_token"]
        names, token = [], None
        while True:
            body = api.get(url, headers=auth(), params={"page_size": 10, "sort": "-name",
                                                        **({"page_token": token} if token else {})}
                           ).json()
            names += [j["name"] for j in body["jobs"]]
            token = body.get("next_page_token")
            if not token:
                break
        assert names == [f"job-{i:02d}" for i in reversed(range(25))]
        scripted = api.get(url, headers=auth(), params={
            "search_filter": json.dumps({"script": "s1"}), "page_size": 100}).json()["jobs"]
        assert len(scripted) == 8
        by_type = api.get(url, headers=auth(), params={
            "search_filter": json.dumps({"type": "manual", "paused": "false"}),
            "page_size": 100}).json()["jobs"]
        assert len(by_type) == 25
        assert_envelope(api.get(url, headers=auth(), params={"search_filter": '{"x":1}'}), 400, 3)
        assert_envelope(api.get(url, headers=auth(), params={"sort": "colour"}), 400, 3)

    def test_list_all_jobs_fills_in_project(self, api, project):
        job = make_job(api, project["id"])
        body = api.get("/api/v2/jobs", headers=auth(), params={
            "search_filter": json.dumps({"name": job["name"]})}).json()
        assert [j["id"] for j in body["jobs"]] == [job["id"]]
        assert body["jobs"][0]["project"] == {
            "public_identifier": project["id"], "name": project["name"],
            "default_project_engine": "ml_runtime", "slug": project["slug"]}
