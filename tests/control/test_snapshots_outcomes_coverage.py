"""/_mock snapshots, scripted outcomes, coverage and the control token."""

from __future__ import annotations

import json

from tests.helpers import assert_envelope, auth, make_job, make_project, unique


def _names(api, tag):
    return [p["name"] for p in api.get("/api/v2/projects", headers=auth(), params={
        "search_filter": json.dumps({"name": tag}), "page_size": 100}).json()["projects"]]


def test_snapshot_restore_list_delete(api):
    tag = unique("snap")
    make_project(api, name=f"{tag}-kept")
    saved = api.post("/_mock/snapshots", json={"name": tag}).json()
    assert saved["name"] == tag
    make_project(api, name=f"{tag}-dropped")
    assert len(_names(api, tag)) == 2
    api.post(f"/_mock/snapshots/{tag}/restore")
    assert _names(api, tag) == [f"{tag}-kept"]
    assert tag in [s["name"] for s in api.get("/_mock/snapshots").json()["snapshots"]]
    assert api.delete(f"/_mock/snapshots/{tag}").json() == {}
    assert_envelope(api.post(f"/_mock/snapshots/{tag}/restore"), 404, 5)
    assert_envelope(api.delete(f"/_mock/snapshots/{tag}"), 404, 5)


def test_snapshot_includes_the_clock(api):
    tag = unique("clock")
    api.post("/_mock/clock/freeze")
    try:
        before = api.get("/_mock/clock").json()["epoch"]
        api.post("/_mock/snapshots", json={"name": tag})
        api.post("/_mock/clock/advance", json={"by": "3d"})
        api.post(f"/_mock/snapshots/{tag}/restore")
        assert api.get("/_mock/clock").json()["epoch"] == before
    finally:
        api.post("/_mock/clock/unfreeze")
        api.delete(f"/_mock/snapshots/{tag}")


def test_queued_outcomes_apply_to_the_next_runs_in_order(api):
    project = make_project(api)
    job = make_job(api, project["id"])
    queued = api.post("/_mock/outcomes", json={"kind": "job", "id": job["id"],
                                               "outcome": "failed", "times": 2}).json()
    assert len([q for q in queued["queued"] if q["id"] == job["id"]]) == 2
    url = f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs"
    statuses = [api.post(url, headers=auth()).json()["status"] for _ in range(3)]
    assert statuses == ["ENGINE_FAILED", "ENGINE_FAILED", "ENGINE_SUCCEEDED"]


def test_run_environment_beats_a_queued_outcome(api):
    project = make_project(api)
    job = make_job(api, project["id"])
    api.post("/_mock/outcomes", json={"id": job["id"], "outcome": "failed"})
    run = api.post(f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs", headers=auth(),
                   json={"environment": {"MOCKCML_OUTCOME": "timedout"}}).json()
    assert run["status"] == "ENGINE_TIMEDOUT"


def test_outcome_validation(api):
    assert_envelope(api.post("/_mock/outcomes", json={"id": "nope", "outcome": "failed"}),
                    404, 5)
    assert_envelope(api.post("/_mock/outcomes", json={"id": "x", "outcome": "exploded"}), 400, 3)
    assert api.delete("/_mock/outcomes").json() == {}


def test_coverage(api):
    body = api.get("/_mock/coverage").json()
    assert body["counts"]["total"] == 158
    assert "ListProjects" in body["implemented"] and "DisableEngines" in body["implemented"]
    assert body["counts"]["implemented"] == len(body["implemented"])
    # Every operation is in exactly one of the two lists.
    assert len(set(body["implemented"]) | set(body["unimplemented"])) == 158
    assert not set(body["implemented"]) & set(body["unimplemented"])


def test_ready(api):
    body = api.get("/_mock/ready").json()
    assert body["ready"] is True


def test_control_token_protects_state_changing_controls():
    from tests.conftest import make_asgi_client

    with make_asgi_client(control_token="s3cret") as client:
        assert_envelope(client.post("/_mock/clock/freeze"), 401, 16)
        assert_envelope(client.post("/_mock/clock/freeze",
                                    headers={"x-mockcml-control-token": "nope"}), 403, 7)
        # A CML API key is not a control token.
        assert_envelope(client.post("/_mock/clock/freeze", headers=auth()), 401, 16)
        ok = client.post("/_mock/clock/freeze", headers={"x-mockcml-control-token": "s3cret"})
        assert ok.status_code == 200
        assert client.get("/_mock/clock").status_code == 200  # reads stay open


def test_non_loopback_without_token_warns_loudly():
    from tests.helpers import LiveServer

    server = LiveServer("--host", "0.0.0.0")
    server.url = f"http://127.0.0.1:{server.port}"
    with server:
        pass
    assert b"WARNING" in server.log and b"MOCKCML_CONTROL_TOKEN" in server.log


def test_control_document_is_separate_from_the_contract(api):
    doc = api.get("/_mock/openapi.json").json()
    assert "/_mock/clock/advance" in doc["paths"] and "/_mock/faults" in doc["paths"]
    swagger = api.get("/api/v2/swagger.json").json()
    assert not any(path.startswith("/_mock") for path in swagger["paths"])


def test_queued_outcomes_for_model_builds_and_deployments(api):
    from tests.resources.test_models import make_build, make_deployment, make_model

    project = make_project(api)
    model = make_model(api, project["id"])
    api.post("/_mock/outcomes", json={"kind": "model_build", "id": model["id"],
                                      "outcome": "failed"})
    failed = make_build(api, project["id"], model["id"])
    assert failed["status"] == "build failed"
    built = make_build(api, project["id"], model["id"])
    assert built["status"] == "built"
    api.post("/_mock/outcomes", json={"kind": "model_deployment", "id": built["id"],
                                      "outcome": "failed"})
    deployment = make_deployment(api, project["id"], built)
    assert deployment["status"] == "failed"
    url = (f"/api/v2/projects/{project['id']}/models/{model['id']}/builds/{built['id']}"
           f"/deployments/{deployment['id']}")
    api.post("/_mock/outcomes", json={"kind": "model_deployment", "id": deployment["id"],
                                      "outcome": "succeeded"})
    restarted = api.post(f"{url}:restart", headers=auth()).json()
    assert restarted["status"] == "deployed"
