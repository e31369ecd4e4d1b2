"""/_mock/faults: errors, throttling and delays in CML's envelope; no state changes."""

from __future__ import annotations

import json

from tests.helpers import assert_envelope, auth, make_project, unique


def test_next_n_calls_fail_then_recover(api):
    api.delete("/_mock/faults")
    fault = api.post("/_mock/faults", json={"operation_id": "ListProjects", "status": 503,
                                            "count": 2}).json()
    assert fault["code"] is None and fault["id"]
    for _ in range(2):
        assert_envelope(api.get("/api/v2/projects", headers=auth()), 503, 14)
    assert api.get("/api/v2/projects", headers=auth()).status_code == 200
    listed = api.get("/_mock/faults").json()["faults"]
    assert [f["hits"] for f in listed if f["id"] == fault["id"]] == [2]
    api.delete("/_mock/faults")


def test_throttle_with_retry_after(api):
    api.delete("/_mock/faults")
    api.post("/_mock/faults", json={"path": "/api/v2/projects*", "method": "GET",
                                    "status": 429, "retry_after": 7, "count": 1})
    response = api.get("/api/v2/projects", headers=auth())
    assert_envelope(response, 429, 8)
    assert response.headers["retry-after"] == "7"
    api.delete("/_mock/faults")


def test_faulted_write_changes_nothing(api):
    api.delete("/_mock/faults")
    name = unique("faulted")
    api.post("/_mock/faults", json={"operation_id": "CreateProject", "status": 500,
                                    "count": 1, "message": "disk on fire"})
    body = assert_envelope(api.post("/api/v2/projects", json={"name": name}, headers=auth()),
                           500, 13)
    assert body["message"] == "disk on fire"
    found = api.get("/api/v2/projects", headers=auth(),
                    params={"search_filter": json.dumps({"name": name})}).json()["projects"]
    assert found == []
    assert make_project(api, name=name)["name"] == name


def test_explicit_grpc_code_and_rate(api):
    api.delete("/_mock/faults")
    api.post("/_mock/faults", json={"operation_id": "ListProjects", "status": 400, "code": 9,
                                    "rate": 0.5, "seed": 42})
    statuses = [api.get("/api/v2/projects", headers=auth()).status_code for _ in range(40)]
    assert 5 < statuses.count(400) < 35 and statuses.count(200) > 5
    api.delete("/_mock/faults")


def test_delay_only(api):
    api.delete("/_mock/faults")
    api.post("/_mock/faults", json={"operation_id": "ListProjects", "delay": 0.2, "count": 1})
    journal_after = _last_id(api)
    assert api.get("/api/v2/projects", headers=auth()).status_code == 200
    entry = api.get("/_mock/journal", params={"operation_id": "ListProjects",
                                              "after": journal_after}).json()["entries"][0]
    assert entry["duration_ms"] >= 200 and entry["fault"]
    api.delete("/_mock/faults")


def test_fault_validation_and_removal(api):
    assert_envelope(api.post("/_mock/faults", json={"status": 500}), 400, 3)
    assert_envelope(api.post("/_mock/faults", json={"operation_id": "NoSuchOp", "status": 500}),
                    400, 3)
    assert_envelope(api.post("/_mock/faults", json={"operation_id": "GetJob"}), 400, 3)
    assert_envelope(api.post("/_mock/faults", json={"operation_id": "GetJob", "status": 200}),
                    400, 3)
    fault = api.post("/_mock/faults", json={"operation_id": "GetJob", "status": 500}).json()
    assert api.delete(f"/_mock/faults/{fault['id']}").json() == {}
    assert_envelope(api.delete(f"/_mock/faults/{fault['id']}"), 404, 5)


def _last_id(api) -> int:
    entries = api.get("/_mock/journal").json()["entries"]
    return entries[-1]["id"] if entries else 0
