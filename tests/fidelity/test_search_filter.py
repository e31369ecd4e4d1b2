"""search_filter accepts every scalar field of the listed resource, as the real API does.

The spec's own example for ListJobRuns filters on ``id``; mockcml used to refuse every key
outside the reference's short key lists. Now any scalar field of the listed model (ids,
status, names, nested users such as ``creator.username``) filters, and a key that is no
field at all is a 400 that names the fields.
"""

from __future__ import annotations

import json

from mockcml.core.contract import load_contract
from mockcml.core.registry import HANDLERS
from mockcml.kit.listing import scalar_fields
from tests.helpers import assert_envelope, auth
from tests.robustness import build_world

# Fields mockcml derives while answering, or times (stored as epoch seconds): a filter on
# them is a clear 400 "cannot filter" (docs/fidelity.md, deliberate differences).
DERIVED = {"english_schedule", "deletion_status", "manageable", "reason", "permission",
           "next_page_token", "error_message",
           # GPUs in use now, a run's time inside the asked window, a workload's page.
           "current_gpu_count", "duration", "workload_url"}


def _item_model(op) -> str | None:  # noqa: ANN001
    definitions = load_contract().definitions
    for schema in definitions[op.response_model].get("properties", {}).values():
        ref = schema.get("items", {}).get("$ref")
        if schema.get("type") == "array" and ref:
            return ref.rsplit("/", 1)[-1]
    return None


def _filter(api, url: str, value: dict):  # noqa: ANN001
    return api.get(url, headers=auth(), params={"search_filter": json.dumps(value)})


def test_every_scalar_field_of_every_listing_filters(api):
    world = build_world(api, "mockcml-admin-key", "admin")
    checked = 0
    for op in load_contract().operations:
        model = _item_model(op) if "search_filter" in op.query else None
        if model is None or op.operation_id not in HANDLERS or op.operation_id == "ListProjectNames":
            continue
        url = world.url(op)
        for name, (_, fmt) in scalar_fields(model).items():
            response = _filter(api, url, {name: "1"})
            message = response.json().get("message", "")
            if fmt == "date-time" or name in DERIVED:
                assert response.status_code in (200, 400), (op.operation_id, name)
                if response.status_code == 400:
                    assert "cannot filter" in message, (op.operation_id, name, message)
                continue
            # A status filter checks its value against the status names: still a known key.
            assert response.status_code == 200 or "unknown value" in message, \
                (op.operation_id, name, message)
            checked += 1
        bad = _filter(api, url, {"no_such_field": "x"})
        body = assert_envelope(bad, 400, 3)
        assert "unknown key 'no_such_field'" in body["message"] and model in body["message"]
    assert checked > 150


def test_spec_example_filters_job_runs_by_id(api):
    world = build_world(api, "mockcml-admin-key", "admin")
    base = f"/api/v2/projects/{world.ids['project']}/jobs/{world.ids['job']}/runs"
    second = api.post(base, headers=auth(), json={}).json()["id"]
    found = _filter(api, base, {"id": second}).json()["job_runs"]
    assert [run["id"] for run in found] == [second]
    assert _filter(api, base, {"id": "nothing-like-it"}).json()["job_runs"] == []


def test_nested_user_fields_and_ids_filter_projects_and_jobs(api):
    world = build_world(api, "mockcml-admin-key", "admin")
    pid = world.ids["project"]
    projects = _filter(api, "/api/v2/projects", {"id": pid, "owner.username": "admin"})
    assert [p["id"] for p in projects.json()["projects"]] == [pid]
    jobs = _filter(api, f"/api/v2/projects/{pid}/jobs",
                   {"owner.username": "admin", "runtime_identifier": "python3.11"})
    assert [j["id"] for j in jobs.json()["jobs"]] == [world.ids["job"]]
    assert _filter(api, f"/api/v2/projects/{pid}/jobs",
                   {"owner.username": "nobody"}).json()["jobs"] == []
    # Booleans are matched as booleans.
    assert _filter(api, f"/api/v2/projects/{pid}/jobs",
                   {"kill_on_timeout": "maybe"}).status_code == 400


def test_admin_listings_filter_on_their_wire_fields(api):
    """The admin listings name their wire models, so fields beyond the declared keys
    select rows: a copilot model by id (each kind its own model), a docker credential by
    server, usage by allocated CPU, executions by the workload's creator name."""
    world = build_world(api, "mockcml-admin-key", "admin")
    chat = world.ids["copilot_model"]
    found = _filter(api, "/api/v2/copilot/models", {"id": chat}).json()["copilot_models"]
    assert [m["id"] for m in found] == [chat]
    assert _filter(api, "/api/v2/copilot/embedding_models", {"id": chat}).json()[
        "copilot_embedding_models"] == []
    server = f"reg-{world.marker}.example.com"
    made = api.post("/api/v2/dockercredentials", headers=auth(), json={
        "name": f"cred-{world.marker}", "server": server, "username": "u", "password": "p"})
    assert made.status_code == 200, made.text
    creds = _filter(api, "/api/v2/dockercredentials", {"server": server}).json()
    assert [c["server"] for c in creds["docker_credentials"]] == [server]
    # username is no field of DockerCredentialPublic: the secret never filters.
    assert "unknown key" in _filter(api, "/api/v2/dockercredentials",
                                    {"username": "u"}).json()["message"]
    usage = _filter(api, "/api/v2/usage", {"cpu": "1", "creator": "admin"}).json()
    assert usage["usage_response"] and all(
        "1" in str(u["cpu"]) and "admin" in u["creator"] for u in usage["usage_response"])
    assert _filter(api, "/api/v2/usage", {"cpu": "999"}).json()["usage_response"] == []
    runs = _filter(api, "/api/v2/workloads/executions", {"creator_user_name": "admin"}).json()
    assert runs["executions"] and all("admin" in e["run_as_user_name"]
                                      for e in runs["executions"])
    assert _filter(api, "/api/v2/workloads/executions",
                   {"creator_user_name": "nobody-at-all"}).json()["executions"] == []
