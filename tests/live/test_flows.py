"""End-to-end flows against real `mockcml serve` processes."""

from __future__ import annotations

import json
import sqlite3
import time

import httpx
import pytest

from tests.helpers import RUNTIME, LiveServer, auth, unique


def _poll(client: httpx.Client, url: str, until: set[str], timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = client.get(url, headers=auth()).json()
        if run["status"] in until:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run did not reach {until}: {run}")


@pytest.fixture(scope="module")
def fast_server():
    with LiveServer(env={"MOCKCML_TIME_SCALE": "0.02"}) as server:
        yield server


def test_airflow_operator_flow(fast_server):
    """Page through projects and jobs with page_size=100, POST a run with no body, poll."""
    with fast_server.client() as client:
        for i in range(3):
            client.post("/api/v2/projects", headers=auth(), json={"name": f"airflow-{i}"})
        project_id = None
        token = ""
        while True:
            params = {"page_size": 100, **({"page_token": token} if token else {})}
            body = client.get("/api/v2/projects", params=params, headers=auth()).json()
            for project in body["projects"]:
                if project["name"] == "airflow-1":
                    project_id = project["id"]
            token = body.get("next_page_token", "")
            if not token:
                break
        assert project_id
        client.post(f"/api/v2/projects/{project_id}/jobs", headers=auth(),
                    json={"name": "nightly", "script": "etl.py", "runtime_identifier": RUNTIME})
        jobs = client.get(f"/api/v2/projects/{project_id}/jobs", headers=auth(),
                          params={"page_size": 100}).json()["jobs"]
        job_id = next(j["id"] for j in jobs if j["name"] == "nightly")
        # No body, no content type: exactly what a bare requests.post() sends.
        response = client.post(f"/api/v2/projects/{project_id}/jobs/{job_id}/runs",
                               headers=auth())
        assert response.status_code == 200
        run = response.json()
        seen = []
        url = f"/api/v2/projects/{project_id}/jobs/{job_id}/runs/{run['id']}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            status = client.get(url, headers=auth()).json()["status"]
            if not seen or seen[-1] != status:
                seen.append(status)
            if status == "ENGINE_SUCCEEDED":
                break
            time.sleep(0.01)
        assert seen[-1] == "ENGINE_SUCCEEDED"
        order = ["ENGINE_SCHEDULING", "ENGINE_STARTING", "ENGINE_RUNNING", "ENGINE_SUCCEEDED"]
        assert seen == sorted(seen, key=order.index), seen


def test_stop_a_long_run_on_a_live_server(fast_server):
    with fast_server.client() as client:
        project = client.post("/api/v2/projects", headers=auth(),
                              json={"name": unique("stop")}).json()
        job = client.post(f"/api/v2/projects/{project['id']}/jobs", headers=auth(), json={
            "name": "long", "script": "x.py", "runtime_identifier": RUNTIME}).json()
        base = f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs"
        run = client.post(base, headers=auth(),
                          json={"environment": {"MOCKCML_DURATION": "100000"}}).json()
        _poll(client, f"{base}/{run['id']}", {"ENGINE_RUNNING"})
        stopped = client.post(f"{base}/{run['id']}:stop", headers=auth()).json()
        assert stopped["status"] == "ENGINE_STOPPING"
        assert _poll(client, f"{base}/{run['id']}", {"ENGINE_STOPPED"})["finished_at"]


def test_dependents_fire_without_any_client_polling(tmp_path):
    """The scheduler, not a read, creates the dependent run: seen in the database file."""
    db = tmp_path / "state.db"
    with LiveServer("--db", str(db), env={"MOCKCML_TIME_SCALE": "0.02"}) as server:
        with server.client() as client:
            project = client.post("/api/v2/projects", headers=auth(), json={"name": "dep"}).json()
            base = f"/api/v2/projects/{project['id']}/jobs"
            parent = client.post(base, headers=auth(), json={
                "name": "parent", "script": "a.py", "runtime_identifier": RUNTIME}).json()
            child = client.post(base, headers=auth(), json={
                "name": "child", "script": "b.py", "runtime_identifier": RUNTIME,
                "parent_job_id": parent["id"]}).json()
            client.post(f"{base}/{parent['id']}/runs", headers=auth())
        deadline = time.monotonic() + 10
        count = 0
        while time.monotonic() < deadline and count == 0:
            time.sleep(0.1)
            with sqlite3.connect(db) as conn:
                count = conn.execute("select count(*) from job_runs where job_id = ?",
                                     (child["id"],)).fetchone()[0]
        assert count == 1


def test_state_survives_a_restart_and_runs_continue(tmp_path):
    db = tmp_path / "state.db"
    env = {"MOCKCML_TIME_SCALE": "0.05"}
    server = LiveServer("--db", str(db), env=env).start()
    with server.client() as client:
        project = client.post("/api/v2/projects", headers=auth(),
                              json={"name": "durable", "environment": {"A": "1"}}).json()
        base = f"/api/v2/projects/{project['id']}/jobs"
        parent = client.post(base, headers=auth(), json={
            "name": "parent", "script": "a.py", "runtime_identifier": RUNTIME}).json()
        child = client.post(base, headers=auth(), json={
            "name": "child", "script": "b.py", "runtime_identifier": RUNTIME,
            "parent_job_id": parent["id"]}).json()
        # A parent run that finishes while the server is down (10 s * 0.05 = 0.5 s running).
        run = client.post(f"{base}/{parent['id']}/runs", headers=auth()).json()
        long = client.post(f"{base}/{child['id']}/runs", headers=auth(),
                           json={"environment": {"MOCKCML_DURATION": "100000"}}).json()
        server.stop(kill=True)  # SIGKILL: no shutdown hook runs
    time.sleep(1.0)
    with LiveServer("--db", str(db), env=env) as again, again.client() as client:
        got = client.get(f"/api/v2/projects/{project['id']}", headers=auth()).json()
        assert got["environment"] == '{"A":"1"}' and got["name"] == "durable"
        finished = client.get(f"{base}/{parent['id']}/runs/{run['id']}", headers=auth()).json()
        assert finished["status"] == "ENGINE_SUCCEEDED"
        child_runs = client.get(f"{base}/{child['id']}/runs", headers=auth(),
                                params={"sort": "created_at"}).json()["job_runs"]
        assert [r["id"] for r in child_runs][0] == long["id"] and len(child_runs) == 2
        assert child_runs[0]["status"] == "ENGINE_RUNNING"
        assert child_runs[1]["created_at"] == finished["finished_at"]
        # and the admin key from the first start still works
        assert client.post("/api/v2/auth/validate_key", headers=auth()).status_code == 200


def test_search_filter_survives_the_query_string(fast_server):
    with fast_server.client() as client:
        name = unique("q&s=1 +x")
        client.post("/api/v2/projects", headers=auth(), json={"name": name})
        found = client.get("/api/v2/projects", headers=auth(),
                           params={"search_filter": json.dumps({"name": name})}).json()
        assert [p["name"] for p in found["projects"]] == [name]
