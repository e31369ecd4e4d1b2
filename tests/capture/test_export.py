"""GET /_mock/export and ``mockcml export``: the state as a scenario, and back."""

from __future__ import annotations

import base64
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from mockcml.fixtures import check
from mockcml.settings import Settings
from tests.capture.conftest import DEMO, serve
from tests.capture.walk import answers, differences
from tests.helpers import ROOT, RUNTIME, LiveServer, assert_envelope

ADMIN = {"authorization": "Bearer mockcml-admin-key"}


def _build_state(client) -> dict[str, str]:  # noqa: ANN001
    """A small world made through the API alone: users' keys, a project, jobs and runs,
    an application, a model build and deployment, an experiment run, files."""
    def ok(response):  # noqa: ANN001, ANN202
        assert response.status_code == 200, response.text
        return response.json()

    key = ok(client.post("/api/v2/users/admin/v2_keys", json={"comments": "made by a test"},
                         headers=ADMIN))["api_key"]
    project = ok(client.post("/api/v2/projects", json={
        "name": "built-by-hand", "description": "state made by a test", "visibility": "public",
        "environment": {"REGION": "eu"}}, headers=ADMIN))
    pid = project["id"]
    base = f"/api/v2/projects/{pid}"
    first = ok(client.post(f"{base}/jobs", json={"name": "first", "script": "a.py",
                                                   "runtime_identifier": RUNTIME,
                                                   "schedule": "0 3 * * *"}, headers=ADMIN))
    ok(client.post(f"{base}/jobs", json={"name": "second", "script": "b.py",
                                          "runtime_identifier": RUNTIME,
                                          "parent_id": first["id"]}, headers=ADMIN))
    ok(client.post(f"{base}/jobs/{first['id']}/runs", json={}, headers=ADMIN))
    ok(client.post(f"{base}/applications", json={"name": "app", "subdomain": "by-hand-app",
                                                  "script": "app.py",
                                                  "runtime_identifier": RUNTIME}, headers=ADMIN))
    ok(client.post(f"{base}/files", files={"src/a.py": ("a", b"print('a')\n"),
                                           "blob.bin": ("b", bytes(range(200)))}, headers=ADMIN))
    model = ok(client.post(f"{base}/models", json={"project_id": pid, "name": "m",
                                                    "description": "d"}, headers=ADMIN))
    build = ok(client.post(f"{base}/models/{model['id']}/builds", json={
        "project_id": pid, "model_id": model["id"], "file_path": "a.py", "function_name": "f",
        "runtime_identifier": RUNTIME}, headers=ADMIN))
    ok(client.post(f"{base}/models/{model['id']}/builds/{build['id']}/deployments",
                   json={"project_id": pid, "model_id": model["id"], "build_id": build["id"],
                         "cpu": 1, "memory": 2}, headers=ADMIN))
    experiment = ok(client.post(f"{base}/experiments", json={"name": "exp"}, headers=ADMIN))
    run = ok(client.post(f"{base}/experiments/{experiment['id']}/runs", json={
        "project_id": pid, "experiment_id": experiment["id"], "run_name": "r1"}, headers=ADMIN))
    ok(client.post(f"{base}/experiments/{experiment['id']}/runs/{run['id']}:logbatch", json={
        "metrics": [{"key": "loss", "value": v, "step": i, "timestamp": f"2026-01-01T00:00:0{i}Z"}
                    for i, v in enumerate((0.9, 0.5, 0.4))],
        "params": [{"key": "lr", "value": "0.1"}]}, headers=ADMIN))
    return {"key": key, "project": pid}


def test_export_round_trip_of_a_state_built_through_the_api(tmp_path: Path):
    with serve(time_scale=0) as client:
        made = _build_state(client)
        response = client.get("/_mock/export", params={"bundle": "true",
                                                       "files_dir": "state.files"})
        assert response.status_code == 200, response.text
        bundle = response.json()
        client.post("/_mock/clock/freeze")
        before = answers(client, "mockcml-admin-key")
    out = tmp_path / "state.yaml"
    out.write_text(bundle["scenario"])
    for relative, data in bundle["files"].items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(base64.b64decode(data))
    assert list(bundle["files"]) == [f"state.files/{made['project']}/blob.bin"]
    scenario = yaml.safe_load(bundle["scenario"])
    # The key made through the API was never stored in plain text: a placeholder.
    admin = scenario["users"][0]
    assert admin["api_keys"][0] == "mockcml-admin-key"
    assert made["key"] not in bundle["scenario"]
    assert admin["api_keys"][1] == {"key": "admin-placeholder-key-2", "comments": "made by a test"}
    assert check([str(out)], Settings(), datetime.now(UTC).timestamp())[1] == []
    # A bare server runs jobs on any image; a scenario must list the runtimes it names.
    assert any(f"runtime {RUNTIME}" in s for s in bundle["skipped"])
    with serve(str(out)) as replay:
        replay.post("/_mock/clock/freeze")
        after = answers(replay, "mockcml-admin-key")
    assert [r["image_identifier"] for r in after.pop("runtimes")] == [RUNTIME]
    assert before.pop("runtimes") == []
    assert differences(before, after) == []


def test_export_with_the_clock_ahead_moves_times_back_so_it_loads(tmp_path: Path):
    with serve(DEMO) as client:
        client.post("/_mock/clock/freeze")
        before = client.get("/api/v2/projects", params={"search_filter": '{"name":"sandbox"}',
                                                             "include_all_projects": "true"},
                            headers=ADMIN).json()["projects"][0]["created_at"]
        client.post("/_mock/clock/advance", json={"by": "3h"})
        response = client.get("/_mock/export", params={"bundle": "true"})
    out = tmp_path / "ahead.yaml"
    out.write_text(response.json()["scenario"])
    assert any("times moved back" in s for s in response.json()["skipped"])
    assert check([str(out)], Settings(), datetime.now(UTC).timestamp())[1] == []
    sandbox = next(p for p in yaml.safe_load(out.read_text())["projects"] if p["name"] == "sandbox")
    moved = datetime.fromisoformat(before) - datetime.fromisoformat(sandbox["created_at"])
    assert abs(moved.total_seconds() - 3 * 3600) < 5


def test_export_of_the_demo_keeps_fixture_keys_and_answers(tmp_path: Path):
    with serve(DEMO) as client:
        client.post("/_mock/clock/freeze")
        text = client.get("/_mock/export").text
        before = {k: answers(client, k) for k in ("alice-key", "erin-key")}
    assert text.startswith("# Exported by mockcml")
    out = tmp_path / "demo-export.yaml"
    out.write_text(text)
    with serve(str(out)) as replay:
        replay.post("/_mock/clock/freeze")
        for key, answered in before.items():
            assert differences(answered, answers(replay, key)) == [], key


def test_export_needs_the_control_token_when_there_is_one():
    with serve(control_token="sesame") as client:
        assert_envelope(client.get("/_mock/export"), 401, 16)
        assert_envelope(client.get("/_mock/export", headers={"x-mockcml-control-token": "x"}),
                        403, 7)
        response = client.get("/_mock/export", headers={"x-mockcml-control-token": "sesame"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/yaml")


def test_export_refuses_a_files_dir_that_is_a_path():
    with serve() as client:
        assert_envelope(client.get("/_mock/export", params={"files_dir": "../x"}), 400, 3)


def test_export_leaves_no_trace_in_the_journal():
    with serve(DEMO) as client:
        client.delete("/_mock/journal")
        assert client.get("/_mock/export").status_code == 200
        entries = client.get("/_mock/journal").json()["entries"]
        assert [e["path"] for e in entries if e["path"].startswith("/api/")] == []


@pytest.mark.slow
@pytest.mark.live
def test_export_cli_writes_a_scenario_that_serves_the_same(tmp_path: Path):
    out = tmp_path / "exported.yaml"
    with LiveServer("--fixtures", DEMO) as source, source.client() as client:
        client.post("/_mock/clock/freeze")
        done = subprocess.run([sys.executable, "-m", "mockcml", "export", "--url", source.url,
                               "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        before = answers(client, "bob-key")
    with LiveServer("--fixtures", str(out)) as replay, replay.client() as client:
        client.post("/_mock/clock/freeze")
        assert differences(before, answers(client, "bob-key")) == []
