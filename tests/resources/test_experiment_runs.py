"""Experiment runs: creation defaults, status and end_time, logged data (metric history,
write-once params, upserted tags), batch deletes, listing with dynamic keys, permissions,
and the timestamps against a frozen mock clock."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.settings import Settings
from tests.helpers import assert_envelope, auth, make_project, unique

FIELDS = {"id", "name", "experiment_id", "user", "status", "start_time", "artifact_uri",
          "data", "inputs"}


@pytest.fixture
def experiment(api):
    project = make_project(api)
    response = api.post(f"/api/v2/projects/{project['id']}/experiments", headers=auth(),
                        json={"name": unique("exp")})
    assert response.status_code == 200, response.text
    return response.json()


def _runs(experiment, *rest):
    return "/".join([f"/api/v2/projects/{experiment['project_id']}/experiments/"
                     f"{experiment['id']}/runs", *rest])


def make_run(api, experiment, **body):
    response = api.post(_runs(experiment), json=body, headers=auth())
    assert response.status_code == 200, response.text
    return response.json()


def _get(api, experiment, run):
    response = api.get(_runs(experiment, run["id"]), headers=auth())
    assert response.status_code == 200, response.text
    return response.json()


def _log(api, experiment, run, **body):
    return api.post(_runs(experiment, f"{run['id']}:logbatch"), json=body, headers=auth())


def _metrics(api, experiment, run, key):
    response = api.get(_runs(experiment, run["id"], "metrics", key), headers=auth())
    assert response.status_code == 200, response.text
    return response.json()["metrics"]


def _pairs(items):
    return {item["key"]: item["value"] for item in items}


class TestCreate:
    def test_unauthenticated(self, api, experiment):
        assert_envelope(api.post(_runs(experiment), json={}), 401, 16)
        assert_envelope(api.get(_runs(experiment)), 401, 16)

    def test_missing_experiment_is_404(self, api, experiment):
        url = f"/api/v2/projects/{experiment['project_id']}/experiments/nope/runs"
        assert_envelope(api.post(url, json={}, headers=auth()), 404, 5)
        assert_envelope(api.get(url, headers=auth()), 404, 5)

    @pytest.mark.parametrize("body", [
        {"start_time": 1700000000000},  # epoch ms: the field is a protobuf Timestamp
        {"start_time": "1700000000000"},
        {"start_time": "tomorrow"},
        {"tags": [{"key": "", "value": "x"}]},
        {"tags": [{"key": "semi;colon", "value": "x"}]},
        {"tags": [{"key": "t", "value": "x" * 8001}]},
        {"run_name": "a", "tags": [{"key": "mlflow.runName", "value": "b"}]},
        {"experiment_id": "other"},
        {"project_id": "other"},
    ])
    def test_invalid_input_is_400(self, api, experiment, body):
        assert_envelope(api.post(_runs(experiment), json=body, headers=auth()), 400, 3)
        assert api.get(_runs(experiment), headers=auth()).json()["experiment_runs"] == []

    def test_fields_and_defaults(self, api, experiment):
        run = make_run(api, experiment)
        assert set(run) == FIELDS  # end_time is left out until the run ends
        assert run["status"] == "EXPERIMENT_RUN_RUNNING"
        assert run["experiment_id"] == experiment["id"]
        assert run["user"]["username"] == "admin"
        assert run["artifact_uri"] == f"{experiment['artifact_location']}/{run['id']}/artifacts"
        assert re.fullmatch(r"[a-z]+-[a-z]+-\d{1,3}", run["name"])
        assert run["data"] == {"metrics": [], "params": [], "files": [],
                               "registered_model_metadata": [],
                               "tags": [{"key": "mlflow.runName", "value": run["name"]}]}
        assert run["inputs"] == {"dataset_inputs": []}
        assert run["start_time"].endswith("Z")
        assert _get(api, experiment, run) == run

    def test_name_start_time_tags_and_ids(self, api, experiment):
        run = make_run(api, experiment, run_name="baseline", start_time="2024-05-01T10:00:00Z",
                       tags=[{"key": "team", "value": "a"}, {"key": "team", "value": "b"}],
                       project_id=experiment["project_id"], experiment_id=experiment["id"])
        assert run["name"] == "baseline" and run["start_time"] == "2024-05-01T10:00:00Z"
        assert _pairs(run["data"]["tags"]) == {"mlflow.runName": "baseline", "team": "b"}

    def test_name_from_the_run_name_tag(self, api, experiment):
        run = make_run(api, experiment, tags=[{"key": "mlflow.runName", "value": "tagged"}])
        assert run["name"] == "tagged"

    def test_run_of_another_experiment_is_404(self, api, experiment):
        other = api.post(f"/api/v2/projects/{experiment['project_id']}/experiments",
                         json={"name": unique("exp")}, headers=auth()).json()
        run = make_run(api, other)
        assert_envelope(api.get(_runs(experiment, run["id"]), headers=auth()), 404, 5)
        assert_envelope(_log(api, experiment, run), 404, 5)
        assert_envelope(api.get(_runs(experiment, "nope"), headers=auth()), 404, 5)


class TestLogBatch:
    def test_metrics_keep_their_history(self, api, experiment):
        run = make_run(api, experiment)
        response = _log(api, experiment, run, metrics=[
            {"key": "loss", "value": 0.9, "step": 0, "timestamp": "2024-01-01T00:00:00Z"},
            {"key": "loss", "value": 0.5, "step": "1", "timestamp": "2024-01-01T00:01:00Z"},
            {"key": "acc", "value": 0.6},
        ])
        assert response.status_code == 200 and response.json() == {}
        _log(api, experiment, run, metrics=[
            {"key": "loss", "value": 0.3, "step": 2, "timestamp": "2024-01-01T00:02:00Z"}])
        history = _metrics(api, experiment, run, "loss")
        assert [(m["value"], m["step"]) for m in history] == [(0.9, "0"), (0.5, "1"), (0.3, "2")]
        assert history[0] == {"key": "loss", "value": 0.9, "timestamp": "2024-01-01T00:00:00Z",
                              "step": "0"}
        latest = {m["key"]: m for m in _get(api, experiment, run)["data"]["metrics"]}
        assert latest["loss"]["value"] == 0.3 and latest["loss"]["step"] == "2"
        assert latest["acc"]["value"] == 0.6 and latest["acc"]["step"] == "0"
        assert latest["acc"]["timestamp"].endswith("Z")
        assert _metrics(api, experiment, run, "never") == []

    def test_latest_is_latest_timestamp_then_largest_value(self, api, experiment):
        run = make_run(api, experiment)
        at = "2024-01-01T00:00:00Z"
        _log(api, experiment, run, metrics=[
            {"key": "m", "value": 5, "timestamp": "2024-01-02T00:00:00Z", "step": 1},
            {"key": "m", "value": 9, "timestamp": at, "step": 9}])
        _log(api, experiment, run, metrics=[{"key": "m", "value": 1, "timestamp": at},
                                            {"key": "m", "value": 7,
                                             "timestamp": "2024-01-02T00:00:00Z"}])
        (metric,) = _get(api, experiment, run)["data"]["metrics"]
        assert metric["value"] == 7 and metric["timestamp"] == "2024-01-02T00:00:00Z"

    def test_params_are_write_once(self, api, experiment):
        run = make_run(api, experiment)
        assert _log(api, experiment, run, params=[{"key": "lr", "value": "0.1"}]
                    ).status_code == 200
        # The same value again is fine; another value is refused, with nothing written.
        assert _log(api, experiment, run, params=[{"key": "lr", "value": "0.1"}]
                    ).status_code == 200
        response = _log(api, experiment, run, params=[{"key": "lr", "value": "0.2"}],
                        metrics=[{"key": "loss", "value": 1}], tags=[{"key": "t", "value": "1"}])
        assert_envelope(response, 400, 3)
        data = _get(api, experiment, run)["data"]
        assert data["params"] == [{"key": "lr", "value": "0.1"}] and data["metrics"] == []
        assert "t" not in _pairs(data["tags"])
        assert_envelope(_log(api, experiment, run, params=[
            {"key": "bs", "value": "1"}, {"key": "bs", "value": "2"}]), 400, 3)

    def test_tags_are_upserted_and_rename_the_run(self, api, experiment):
        run = make_run(api, experiment, tags=[{"key": "stage", "value": "dev"}])
        _log(api, experiment, run, tags=[{"key": "stage", "value": "prod"},
                                         {"key": "mlflow.runName", "value": "renamed"}])
        got = _get(api, experiment, run)
        assert _pairs(got["data"]["tags"]) == {"stage": "prod", "mlflow.runName": "renamed"}
        assert got["name"] == "renamed"

    def test_model_json_is_added_to_the_model_history(self, api, experiment):
        run = make_run(api, experiment)
        _log(api, experiment, run, model_json=json.dumps({"artifact_path": "model"}))
        _log(api, experiment, run, model_json=json.dumps({"artifact_path": "model2"}))
        tags = _pairs(_get(api, experiment, run)["data"]["tags"])
        assert json.loads(tags["mlflow.log-model.history"]) == [
            {"artifact_path": "model"}, {"artifact_path": "model2"}]
        assert_envelope(_log(api, experiment, run, model_json="not json"), 400, 3)
        assert_envelope(_log(api, experiment, run, model_json="[1]"), 400, 3)

    @pytest.mark.parametrize("body", [
        {"metrics": [{"value": 1}]},
        {"metrics": [{"key": "loss"}]},
        {"metrics": [{"key": "loss", "value": "high"}]},
        {"metrics": [{"key": "loss", "value": 1, "timestamp": 1700000000000}]},
        {"metrics": [{"key": "loss", "value": 1, "timestamp": "1700000000000"}]},
        {"metrics": [{"key": "loss", "value": 1, "step": 1.5}]},
        {"metrics": [{"key": "/abs", "value": 1}]},
        {"metrics": [{"key": "x" * 251, "value": 1}]},
        {"metrics": [{"key": "m", "value": i} for i in range(1001)]},
        {"params": [{"key": f"p{i}", "value": "v"} for i in range(101)]},
        {"params": [{"key": "p", "value": "v" * 6001}]},
        {"tags": [{"key": "a:b", "value": "v"}]},
        {"run_id": "other"},
    ])
    def test_invalid_batches_are_400_and_write_nothing(self, api, experiment, body):
        run = make_run(api, experiment)
        # A valid tag rides along: it must not be written either.
        payload = {"tags": [{"key": "ok", "value": "1"}], **body}
        assert_envelope(_log(api, experiment, run, **payload), 400, 3)
        assert _get(api, experiment, run) == run

    def test_delete_batch_removes_whole_keys(self, api, experiment):
        run = make_run(api, experiment)
        _log(api, experiment, run,
             metrics=[{"key": "loss", "value": 1}, {"key": "loss", "value": 2},
                      {"key": "acc", "value": 3}],
             params=[{"key": "lr", "value": "1"}, {"key": "bs", "value": "2"}],
             tags=[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
        url = _runs(experiment, f"{run['id']}:deletebatch")
        response = api.post(url, headers=auth(), json={
            "metrics": ["loss", "missing"], "params": ["lr"], "tags": ["a"],
            "run_id": run["id"], "experiment_id": experiment["id"]})
        assert response.status_code == 200 and response.json() == {}
        data = _get(api, experiment, run)["data"]
        assert [m["key"] for m in data["metrics"]] == ["acc"]
        assert _pairs(data["params"]) == {"bs": "2"}
        assert set(_pairs(data["tags"])) == {"b", "mlflow.runName"}
        assert _metrics(api, experiment, run, "loss") == []
        # Deleted params may be logged again with any value.
        assert _log(api, experiment, run, params=[{"key": "lr", "value": "9"}]).status_code == 200
        assert_envelope(api.post(url, json={"tags": [""]}, headers=auth()), 400, 3)
        assert_envelope(api.post(url, json={"tags": "a"}, headers=auth()), 400, 3)


class TestUpdate:
    def test_terminal_status_sets_end_time(self, api, experiment):
        run = make_run(api, experiment)
        url = _runs(experiment, run["id"])
        done = api.patch(url, json={"status": "EXPERIMENT_RUN_FINISHED"}, headers=auth())
        assert done.status_code == 200, done.text
        body = done.json()
        assert body["status"] == "EXPERIMENT_RUN_FINISHED" and body["end_time"]
        assert body["name"] == run["name"] and body["start_time"] == run["start_time"]
        # Another terminal status keeps the end time; running again clears it.
        failed = api.patch(url, json={"status": "EXPERIMENT_RUN_FAILED"}, headers=auth()).json()
        assert failed["end_time"] == body["end_time"]
        again = api.patch(url, json={"status": "EXPERIMENT_RUN_RUNNING"}, headers=auth()).json()
        assert "end_time" not in again

    def test_explicit_times_name_and_enum_number(self, api, experiment):
        run = make_run(api, experiment)
        url = _runs(experiment, run["id"])
        body = api.patch(url, headers=auth(), json={
            "status": 4, "end_time": "2024-02-02T02:02:02.5Z", "name": "final",
            "start_time": "2024-02-02T00:00:00Z"}).json()
        assert body["status"] == "EXPERIMENT_RUN_KILLED"
        assert body["end_time"] == "2024-02-02T02:02:02.500Z"
        assert body["start_time"] == "2024-02-02T00:00:00Z"
        assert body["name"] == "final" and _pairs(body["data"]["tags"])["mlflow.runName"] == "final"

    def test_inputs_replace_and_output_fields_are_ignored(self, api, experiment):
        run = make_run(api, experiment)
        url = _runs(experiment, run["id"])
        dataset = {"name": "wine", "digest": "abc123", "source_type": "local",
                   "source": "/data/wine.csv"}
        body = api.patch(url, headers=auth(), json={
            "inputs": {"dataset_inputs": [{"dataset": dataset,
                                           "tags": [{"key": "context", "value": "train"}]}]},
            "data": {"metrics": [{"key": "sneaky", "value": 1}]},
            "artifact_uri": "/elsewhere", "user": {"username": "mallory"},
            "experiment_id": experiment["id"]}).json()
        assert body["inputs"] == {"dataset_inputs": [{
            "tags": [{"key": "context", "value": "train"}],
            "dataset": {**dataset, "schema": "", "profile": ""}}]}
        assert body["data"]["metrics"] == [] and body["artifact_uri"] == run["artifact_uri"]
        assert body["user"]["username"] == "admin"
        cleared = api.patch(url, json={"inputs": {}}, headers=auth()).json()
        assert cleared["inputs"] == {"dataset_inputs": []}

    @pytest.mark.parametrize("body", [
        {"status": "EXPERIMENT_RUN_DONE"},
        {"status": "EXPERIMENT_RUN_FINISHED", "end_time": 1700000000000},
        {"experiment_id": "other"},
        {"inputs": {"dataset_inputs": [{"dataset": {"name": "no-digest"}}]}},
    ])
    def test_invalid_patch_is_400_and_changes_nothing(self, api, experiment, body):
        run = make_run(api, experiment)
        url = _runs(experiment, run["id"])
        assert_envelope(api.patch(url, json={"name": "changed", **body}, headers=auth()), 400, 3)
        assert _get(api, experiment, run) == run

    def test_patch_missing_run_is_404(self, api, experiment):
        assert_envelope(api.patch(_runs(experiment, "nope"), json={}, headers=auth()), 404, 5)


class TestDelete:
    def test_delete_removes_the_run_and_its_data(self, api, experiment):
        run = make_run(api, experiment)
        _log(api, experiment, run, metrics=[{"key": "loss", "value": 1}])
        url = _runs(experiment, run["id"])
        assert api.delete(url, headers=auth()).json() == {}
        assert_envelope(api.get(url, headers=auth()), 404, 5)
        assert_envelope(api.get(f"{url}/metrics/loss", headers=auth()), 404, 5)
        assert_envelope(api.delete(url, headers=auth()), 404, 5)

    def test_runs_of_a_deleted_experiment_are_read_only(self, api, experiment):
        run = make_run(api, experiment)
        exp_url = f"/api/v2/projects/{experiment['project_id']}/experiments/{experiment['id']}"
        api.delete(exp_url, headers=auth())
        assert _get(api, experiment, run) == run
        assert [r["id"] for r in api.get(_runs(experiment), headers=auth()).json()[
            "experiment_runs"]] == [run["id"]]
        assert_envelope(_log(api, experiment, run, tags=[{"key": "a", "value": "b"}]), 400, 9)
        assert_envelope(api.patch(_runs(experiment, run["id"]), json={"name": "x"},
                                  headers=auth()), 400, 9)
        assert_envelope(api.delete(_runs(experiment, run["id"]), headers=auth()), 400, 9)


class TestListing:
    @pytest.fixture
    def populated(self, api, experiment):
        runs = []
        for i in range(12):
            run = make_run(api, experiment, run_name=f"run-{i:02d}",
                           start_time=f"2024-01-01T00:00:{59 - i:02d}Z")
            _log(api, experiment, run, metrics=[{"key": "acc", "value": i / 10}],
                 params=[{"key": "optimizer", "value": "adam" if i % 2 else "sgd-momentum"}],
                 tags=[{"key": "group", "value": f"g{i % 3}"}])
            runs.append(run)
        api.patch(_runs(experiment, runs[0]["id"]), json={"status": "EXPERIMENT_RUN_FAILED"},
                  headers=auth())
        return runs

    def _names(self, api, experiment, **params):
        response = api.get(_runs(experiment), headers=auth(), params={"page_size": 100,
                                                                      **params})
        assert response.status_code == 200, response.text
        return [r["name"] for r in response.json()["experiment_runs"]]

    def _where(self, api, experiment, **search):
        return self._names(api, experiment, search_filter=json.dumps(search))

    def test_default_order_and_paging(self, api, experiment, populated):
        first = api.get(_runs(experiment), headers=auth()).json()
        assert len(first["experiment_runs"]) == 10 and first["next_page_token"]
        assert first["experiment_runs"][3]["data"]["metrics"][0]["value"] == 0.3
        names, token = [], None
        while True:
            params = {"page_size": 5, "sort": "-metrics.acc",
                      **({"page_token": token} if token else {})}
            body = api.get(_runs(experiment), headers=auth(), params=params).json()
            names += [r["name"] for r in body["experiment_runs"]]
            token = body["next_page_token"]
            if not token:
                break
        assert names == [f"run-{i:02d}" for i in reversed(range(12))]

    def test_fixed_sort_keys(self, api, experiment, populated):
        assert self._names(api, experiment, sort="start_time")[:2] == ["run-11", "run-10"]
        assert self._names(api, experiment, sort="-name")[0] == "run-11"
        assert self._names(api, experiment, sort="creator.username,-created_at")[0] == "run-11"
        by_param = self._names(api, experiment, sort="params.optimizer,name")
        assert by_param[:2] == ["run-01", "run-03"]
        assert_envelope(api.get(_runs(experiment), headers=auth(),
                                params={"sort": "colour"}), 400, 3)
        assert_envelope(api.get(_runs(experiment), headers=auth(),
                                params={"sort": "metrics."}), 400, 3)

    def test_fixed_filter_keys(self, api, experiment, populated):
        assert self._where(api, experiment, name="run-1") == ["run-10", "run-11"]
        for status in ("EXPERIMENT_RUN_FAILED", "FAILED", "failed"):
            assert self._where(api, experiment, status=status) == ["run-00"]
        assert len(self._where(api, experiment, status="running")) == 11
        assert len(self._where(api, experiment, **{"creator.username": "adm"})) == 12
        assert self._where(api, experiment, **{"creator.email": "nobody"}) == []

    def test_dynamic_filter_keys(self, api, experiment, populated):
        assert self._where(api, experiment, **{"params.optimizer": "sgd"}) == [
            f"run-{i:02d}" for i in range(0, 12, 2)]
        assert self._where(api, experiment, **{"tags.group": "g2"}) == [
            "run-02", "run-05", "run-08", "run-11"]
        assert self._where(api, experiment, **{"tags.missing": ""}) == []
        assert self._where(api, experiment, **{"metrics.acc": 0.3}) == ["run-03"]
        assert self._where(api, experiment, **{"metrics.acc": "0.3"}) == ["run-03"]
        assert self._where(api, experiment, **{"metrics.acc": "gte:0.9"}) == ["run-09", "run-10",
                                                                             "run-11"]
        assert self._where(api, experiment, **{"metrics.acc": "< 0.2"}) == ["run-00", "run-01"]
        assert len(self._where(api, experiment, **{"metrics.acc": "!=0.5"})) == 11
        assert self._where(api, experiment, **{"metrics.acc": "gt:0.5",
                                               "params.optimizer": "adam"}) == [
            "run-07", "run-09", "run-11"]

    @pytest.mark.parametrize("search", [
        {"status": "done"}, {"colour": "red"}, {"metrics.acc": "high"},
        {"metrics.acc": "gt:"}, {"metrics.acc": True}, {"metrics.acc": "nan"},
        {"metrics": "acc"}, {"params.lr": {"eq": 1}},
    ])
    def test_bad_filters_are_400(self, api, experiment, search):
        response = api.get(_runs(experiment), headers=auth(),
                           params={"search_filter": json.dumps(search)})
        assert_envelope(response, 400, 3)


# --- permissions (a world of users) --------------------------------------------

CAN_VIEW = {"alice", "bob", "dave", "carol", "erin", "admin"}
CAN_WRITE = {"alice", "carol", "erin", "admin"}


def _expect(response, user, allowed):
    if user in allowed:
        assert response.status_code == 200, (user, response.text)
    elif user in CAN_VIEW:
        assert_envelope(response, 403, 7)
    else:
        assert_envelope(response, 404, 5)


@pytest.mark.parametrize("user", ["alice", "bob", "dave", "carol", "erin", "admin", "mallory"])
def test_each_role_on_each_operation(world, user):
    owner = auth("alice-key")
    project = world.post("/api/v2/projects", headers=owner, json={"name": unique("lab")}).json()
    for name, permission in {"bob": "read", "dave": "operator", "carol": "write",
                             "erin": "admin"}.items():
        world.put(f"/api/v2/projects/{project['id']}/collaborators/{name}", headers=owner,
                  json={"permission": permission})
    experiment = world.post(f"/api/v2/projects/{project['id']}/experiments", headers=owner,
                            json={"name": "e"}).json()
    run = world.post(_runs(experiment), headers=owner, json={}).json()
    h = auth("mockcml-admin-key" if user == "admin" else f"{user}-key")
    _expect(world.get(_runs(experiment), headers=h), user, CAN_VIEW)
    _expect(world.get(_runs(experiment, run["id"]), headers=h), user, CAN_VIEW)
    _expect(world.get(_runs(experiment, run["id"], "metrics", "x"), headers=h), user, CAN_VIEW)
    _expect(world.post(_runs(experiment), headers=h, json={}), user, CAN_WRITE)
    _expect(world.post(_runs(experiment, f"{run['id']}:logbatch"), headers=h,
                       json={"tags": [{"key": "k", "value": "v"}]}), user, CAN_WRITE)
    _expect(world.post(_runs(experiment, f"{run['id']}:deletebatch"), headers=h,
                       json={"tags": ["k"]}), user, CAN_WRITE)
    _expect(world.patch(_runs(experiment, run["id"]), headers=h,
                        json={"status": "EXPERIMENT_RUN_FINISHED"}), user, CAN_WRITE)
    _expect(world.delete(_runs(experiment, run["id"]), headers=h), user, CAN_WRITE)


# --- timestamps against the mock clock -----------------------------------------

@pytest.fixture
def frozen() -> Iterator[TestClient]:
    app = create_app(Settings(time_scale=1))
    with TestClient(app, raise_server_exceptions=False) as client:
        app.state.mock.clock.freeze()
        yield client


def _iso(epoch):
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def test_times_follow_the_mock_clock(frozen):
    clock = frozen.app.state.mock.clock
    clock.advance(1000.25 - clock.now() % 1)  # a whole second plus a quarter
    start = clock.now()
    project = make_project(frozen)
    experiment = frozen.post(f"/api/v2/projects/{project['id']}/experiments", headers=auth(),
                             json={"name": "timed"}).json()
    assert experiment["created_at"] == f"{_iso(start)}.250Z"
    run = make_run(frozen, experiment)
    assert run["start_time"] == f"{_iso(start)}.250Z" and "end_time" not in run
    _log(frozen, experiment, run, metrics=[{"key": "loss", "value": 1}])
    clock.advance(90)
    # Reads at the same clock time agree, and a GET changes nothing.
    assert _get(frozen, experiment, run) == _get(frozen, experiment, run)
    assert "end_time" not in _get(frozen, experiment, run)
    done = frozen.patch(_runs(experiment, run["id"]), headers=auth(),
                        json={"status": "EXPERIMENT_RUN_FINISHED"}).json()
    assert done["end_time"] == f"{_iso(start + 90)}.250Z"
    assert done["start_time"] == run["start_time"]
    (metric,) = done["data"]["metrics"]
    assert metric["timestamp"] == f"{_iso(start)}.250Z"  # a metric sent without a timestamp
    renamed = frozen.patch(
        f"/api/v2/projects/{project['id']}/experiments/{experiment['id']}", headers=auth(),
        json={"name": "timed-2"}).json()
    assert renamed["updated_at"] == f"{_iso(start + 90)}.250Z"
    assert renamed["created_at"] == experiment["created_at"]
