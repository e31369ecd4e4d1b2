"""Experiments: fields, validation, unique names, partial update, soft delete and restore,
listing in a project and across projects, permissions, removal with the project."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.helpers import assert_envelope, auth, make_project, unique

FIELDS = {"id", "project_id", "name", "artifact_location", "created_at", "updated_at", "tags",
          "lifecycle_stage", "user"}


@pytest.fixture
def project(api):
    return make_project(api)


def _url(project, *rest):
    return "/".join([f"/api/v2/projects/{project['id']}/experiments", *rest])


def _create(api, project, key="mockcml-admin-key", **fields):
    body = {"name": unique("exp"), **fields}
    return api.post(_url(project), json=body, headers=auth(key))


def make_experiment(api, project, **fields):
    response = _create(api, project, **fields)
    assert response.status_code == 200, response.text
    return response.json()


def _rfc3339(value):
    assert value.endswith("Z")
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class TestCreate:
    def test_unauthenticated(self, api, project):
        assert_envelope(api.post(_url(project), json={"name": "x"}), 401, 16)
        assert_envelope(api.get(_url(project)), 401, 16)

    def test_missing_project_is_404(self, api):
        assert_envelope(api.post("/api/v2/projects/nope/experiments", json={"name": "x"},
                                 headers=auth()), 404, 5)

    @pytest.mark.parametrize(
        "fields",
        [
            {"name": ""},
            {"name": "   "},
            {"name": 7},
            {"tags": {"key": "a"}},
            {"tags": [{"key": "", "value": "v"}]},
            {"tags": [{"value": "v"}]},
            {"tags": [{"key": "bad:key", "value": "v"}]},
            {"tags": [{"key": "a", "value": "v" * 5001}]},
        ],
    )
    def test_invalid_input_is_400(self, api, project, fields):
        assert_envelope(_create(api, project, **fields), 400, 3)
        assert api.get(_url(project), headers=auth()).json()["experiments"] == []

    def test_missing_name_is_400(self, api, project):
        assert_envelope(api.post(_url(project), json={}, headers=auth()), 400, 3)

    def test_project_id_in_body_must_match(self, api, project):
        assert_envelope(_create(api, project, project_id="other"), 400, 3)
        assert _create(api, project, project_id=project["id"]).status_code == 200

    def test_fields_and_defaults(self, api, project):
        experiment = make_experiment(api, project, tags=[
            {"key": "team", "value": "b"}, {"key": "area", "value": "x"},
            {"key": "team", "value": "ml"}])
        assert set(experiment) == FIELDS
        assert experiment["project_id"] == project["id"]
        assert experiment["lifecycle_stage"] == "active"
        assert experiment["user"] == {"username": "admin", "name": "Admin",
                                      "email": "admin@example.com"}
        # One tag per key, the last one sent wins, in key order.
        assert experiment["tags"] == [{"key": "area", "value": "x"},
                                      {"key": "team", "value": "ml"}]
        assert experiment["artifact_location"] == f"/home/cdsw/.experiments/{experiment['id']}"
        assert experiment["created_at"] == experiment["updated_at"]
        _rfc3339(experiment["created_at"])
        got = api.get(_url(project, experiment["id"]), headers=auth())
        assert got.status_code == 200 and got.json() == experiment

    def test_artifact_location_engine_id_and_camel_case(self, api, project):
        response = api.post(_url(project), headers=auth(), json={
            "name": unique("exp"), "artifactLocation": "s3://bucket/exp", "engineId": "e1"})
        assert response.status_code == 200, response.text
        assert response.json()["artifact_location"] == "s3://bucket/exp"
        assert "engine_id" not in response.json()

    def test_name_is_unique_per_project(self, api, project):
        experiment = make_experiment(api, project)
        assert_envelope(_create(api, project, name=experiment["name"]), 409, 6)
        other = make_project(api)
        assert _create(api, other, name=experiment["name"]).status_code == 200


class TestGet:
    def test_missing_is_404(self, api, project):
        assert_envelope(api.get(_url(project, "nope"), headers=auth()), 404, 5)

    def test_experiment_of_another_project_is_404(self, api, project):
        experiment = make_experiment(api, make_project(api))
        assert_envelope(api.get(_url(project, experiment["id"]), headers=auth()), 404, 5)
        assert_envelope(api.patch(_url(project, experiment["id"]), json={"name": "x"},
                                  headers=auth()), 404, 5)
        assert_envelope(api.delete(_url(project, experiment["id"]), headers=auth()), 404, 5)


class TestUpdate:
    def test_patch_changes_only_sent_fields(self, api, project):
        experiment = make_experiment(api, project, artifact_location="/data/a",
                                     tags=[{"key": "k", "value": "1"}])
        response = api.patch(_url(project, experiment["id"]), json={"name": "renamed"},
                             headers=auth())
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["name"] == "renamed"
        assert {k: v for k, v in updated.items() if k not in ("name", "updated_at")} == {
            k: v for k, v in experiment.items() if k not in ("name", "updated_at")}
        assert _rfc3339(updated["updated_at"]) >= _rfc3339(experiment["updated_at"])
        assert api.get(_url(project, experiment["id"]), headers=auth()).json() == updated

    def test_tags_are_replaced_as_a_whole(self, api, project):
        experiment = make_experiment(api, project, tags=[{"key": "a", "value": "1"},
                                                         {"key": "b", "value": "2"}])
        url = _url(project, experiment["id"])
        tags = api.patch(url, json={"tags": [{"key": "c", "value": "3"}]},
                         headers=auth()).json()["tags"]
        assert tags == [{"key": "c", "value": "3"}]
        # null is "not set" in proto3 JSON: the tags stay.
        assert api.patch(url, json={"tags": None}, headers=auth()).json()["tags"] == tags
        assert api.patch(url, json={"tags": []}, headers=auth()).json()["tags"] == []

    def test_output_only_fields_are_ignored(self, api, project):
        experiment = make_experiment(api, project)
        response = api.patch(_url(project, experiment["id"]), headers=auth(), json={
            "created_at": "2001-01-01T00:00:00Z", "user": {"username": "mallory"},
            "id": "other", "project_id": "other"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["id"] == experiment["id"] and body["project_id"] == project["id"]
        assert body["created_at"] == experiment["created_at"]
        assert body["user"]["username"] == "admin"

    @pytest.mark.parametrize("fields", [
        {"name": ""}, {"lifecycle_stage": "archived"}, {"tags": [{"key": "a b/../c"}]},
        {"created_at": "yesterday"},
    ])
    def test_invalid_patch_is_400_and_changes_nothing(self, api, project, fields):
        experiment = make_experiment(api, project)
        url = _url(project, experiment["id"])
        assert_envelope(api.patch(url, json={"artifact_location": "/x", **fields},
                                  headers=auth()), 400, 3)
        assert api.get(url, headers=auth()).json() == experiment

    def test_rename_onto_a_taken_name_is_409(self, api, project):
        first = make_experiment(api, project)
        second = make_experiment(api, project)
        url = _url(project, second["id"])
        assert_envelope(api.patch(url, json={"name": first["name"]}, headers=auth()), 409, 6)
        assert api.get(url, headers=auth()).json() == second
        # Keeping its own name is not a conflict.
        assert api.patch(url, json={"name": second["name"]}, headers=auth()).status_code == 200


class TestDelete:
    def test_delete_is_a_soft_delete(self, api, project):
        experiment = make_experiment(api, project)
        url = _url(project, experiment["id"])
        assert api.delete(url, headers=auth()).json() == {}
        got = api.get(url, headers=auth()).json()
        assert got["lifecycle_stage"] == "deleted"
        assert _rfc3339(got["updated_at"]) >= _rfc3339(experiment["updated_at"])
        # Asking twice changes nothing.
        assert api.delete(url, headers=auth()).json() == {}
        assert api.get(url, headers=auth()).json() == got

    def test_deleted_experiments_are_listed_only_on_request(self, api, project):
        kept = make_experiment(api, project)
        gone = make_experiment(api, project)
        api.delete(_url(project, gone["id"]), headers=auth())
        listed = api.get(_url(project), headers=auth()).json()["experiments"]
        assert [e["id"] for e in listed] == [kept["id"]]
        deleted = api.get(_url(project), headers=auth(), params={
            "search_filter": json.dumps({"lifecycle_stage": "deleted"})}).json()["experiments"]
        assert [e["id"] for e in deleted] == [gone["id"]]
        everywhere = api.get("/api/v2/experiments", headers=auth(), params={
            "search_filter": json.dumps({"name": gone["name"]})}).json()["experiments"]
        assert everywhere == []

    def test_name_stays_taken_until_restored(self, api, project):
        experiment = make_experiment(api, project)
        url = _url(project, experiment["id"])
        api.delete(url, headers=auth())
        body = assert_envelope(_create(api, project, name=experiment["name"]), 409, 6)
        assert "deleted" in body["message"]

    def test_deleted_experiment_refuses_changes_until_restored(self, api, project):
        experiment = make_experiment(api, project)
        url = _url(project, experiment["id"])
        api.delete(url, headers=auth())
        assert_envelope(api.patch(url, json={"name": "new"}, headers=auth()), 400, 9)
        assert_envelope(api.post(f"{url}/runs", json={}, headers=auth()), 400, 9)
        # Sending back what a GET returned changes nothing and is accepted.
        got = api.get(url, headers=auth()).json()
        assert api.patch(url, json=got, headers=auth()).status_code == 200
        restored = api.patch(url, json={"lifecycle_stage": "active", "name": "back"},
                             headers=auth()).json()
        assert restored["lifecycle_stage"] == "active" and restored["name"] == "back"
        assert api.post(f"{url}/runs", json={}, headers=auth()).status_code == 200

    def test_patch_to_deleted_deletes(self, api, project):
        experiment = make_experiment(api, project)
        url = _url(project, experiment["id"])
        body = api.patch(url, json={"lifecycle_stage": "deleted"}, headers=auth()).json()
        assert body["lifecycle_stage"] == "deleted"
        assert api.get(_url(project), headers=auth()).json()["experiments"] == []


class TestListing:
    def test_paging_filter_sort(self, api, project):
        for i in range(25):
            make_experiment(api, project, name=f"exp-{i:02d}",
                            artifact_location=f"/data/{i % 3}")
        url = _url(project)
        first = api.get(url, headers=auth()).json()
        assert len(first["experiments"]) == 10 and first["next_page_token"]
        assert [e["name"] for e in first["experiments"]] == [f"exp-{i:02d}" for i in range(10)]
        names, token = [], None
        while True:
            params = {"page_size": 7, "sort": "-name", **({"page_token": token} if token else {})}
            body = api.get(url, headers=auth(), params=params).json()
            names += [e["name"] for e in body["experiments"]]
            token = body.get("next_page_token")
            if not token:
                break
        assert names == [f"exp-{i:02d}" for i in reversed(range(25))]
        located = api.get(url, headers=auth(), params={
            "search_filter": json.dumps({"artifact_location": "/data/1"}),
            "page_size": 100}).json()["experiments"]
        assert len(located) == 8
        named = api.get(url, headers=auth(), params={
            "search_filter": json.dumps({"name": "exp-1", "creator.username": "adm"}),
            "page_size": 100}).json()["experiments"]
        assert [e["name"] for e in named] == [f"exp-1{i}" for i in range(10)]
        assert_envelope(api.get(url, headers=auth(), params={"search_filter": '{"x":1}'}), 400, 3)
        assert_envelope(api.get(url, headers=auth(), params={"sort": "colour"}), 400, 3)
        assert_envelope(api.get(url, headers=auth(), params={"page_token": "junk"}), 400, 3)

    def test_list_all_experiments_spans_projects(self, api, project):
        marker = unique("everywhere")
        one = make_experiment(api, project, name=f"{marker}-1")
        two = make_experiment(api, make_project(api), name=f"{marker}-2")
        body = api.get("/api/v2/experiments", headers=auth(), params={
            "search_filter": json.dumps({"name": marker})}).json()
        assert [e["id"] for e in body["experiments"]] == [one["id"], two["id"]]
        assert body["experiments"][1] == two


# --- permissions and project removal (a world of users) ----------------------

ROLES = {"bob": "read", "dave": "operator", "carol": "write", "erin": "admin"}
CAN = {
    "view": {"alice", "bob", "dave", "carol", "erin", "admin"},
    "write": {"alice", "carol", "erin", "admin"},
}


def _key(user):
    return "mockcml-admin-key" if user == "admin" else f"{user}-key"


def _expect(response, user, capability):
    if user in CAN[capability]:
        assert response.status_code == 200, (user, capability, response.text)
    elif user in CAN["view"]:
        assert_envelope(response, 403, 7)
    else:
        assert_envelope(response, 404, 5)


def _alice_project(client, visibility="private"):
    project = client.post("/api/v2/projects", headers=auth("alice-key"),
                          json={"name": unique("lab"), "visibility": visibility}).json()
    for user, permission in ROLES.items():
        client.put(f"/api/v2/projects/{project['id']}/collaborators/{user}",
                   json={"permission": permission}, headers=auth("alice-key"))
    experiment = _create(client, project, key="alice-key").json()
    return project, experiment


@pytest.mark.parametrize("user", ["alice", "bob", "dave", "carol", "erin", "admin", "mallory"])
def test_each_role_on_each_operation(world, user):
    project, experiment = _alice_project(world)
    h = auth(_key(user))
    _expect(world.get(_url(project), headers=h), user, "view")
    _expect(world.get(_url(project, experiment["id"]), headers=h), user, "view")
    _expect(_create(world, project, key=_key(user)), user, "write")
    _expect(world.patch(_url(project, experiment["id"]), json={"tags": []}, headers=h),
            user, "write")
    _expect(world.delete(_url(project, experiment["id"]), headers=h), user, "write")


def test_list_all_shows_only_viewable_projects(world):
    private, secret = _alice_project(world)
    public, shown = _alice_project(world, visibility="public")
    seen = {e["id"] for e in world.get("/api/v2/experiments", headers=auth("mallory-key"),
                                       params={"page_size": 1000}).json()["experiments"]}
    assert shown["id"] in seen and secret["id"] not in seen
    seen = {e["id"] for e in world.get("/api/v2/experiments", headers=auth("bob-key"),
                                       params={"page_size": 1000}).json()["experiments"]}
    assert {shown["id"], secret["id"]} <= seen


def test_deleting_the_project_removes_experiments_runs_and_data(world):
    from mockcml.resources.experiment_runs.tables import ExperimentRun, RunMetric, RunTag
    from mockcml.resources.experiments.tables import Experiment

    project, experiment = _alice_project(world)
    h = auth("alice-key")
    run = world.post(_url(project, experiment["id"], "runs"), json={}, headers=h).json()
    world.post(_url(project, experiment["id"], "runs", f"{run['id']}:logbatch"), headers=h,
               json={"metrics": [{"key": "loss", "value": 1}]})
    assert world.delete(f"/api/v2/projects/{project['id']}", headers=h).status_code == 200
    with world.app.state.mock.db.transaction() as session:
        for table, column in ((Experiment, Experiment.project_id),
                              (ExperimentRun, ExperimentRun.project_id)):
            count = session.execute(select(func.count()).select_from(table)
                                    .where(column == project["id"])).scalar()
            assert count == 0, table
        for table in (RunMetric, RunTag):
            count = session.execute(select(func.count()).select_from(table)
                                    .where(table.run_id == run["id"])).scalar()
            assert count == 0, table
