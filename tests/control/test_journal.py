"""/_mock/journal: what clients called, with filters and a wait."""

from __future__ import annotations

import threading
import time

from tests.helpers import auth, make_job, make_project


def _last(api) -> int:
    entries = api.get("/_mock/journal").json()["entries"]
    return entries[-1]["id"] if entries else 0


def test_records_operation_caller_status(api):
    after = _last(api)
    api.get("/api/v2/projects", headers=auth(), params={"page_size": 3})
    api.get("/api/v2/projects/missing", headers=auth())
    api.get("/api/v2/projects")
    entries = api.get("/_mock/journal", params={"after": after}).json()["entries"]
    listed, missing, anonymous = entries[-3:]
    assert listed["operation_id"] == "ListProjects" and listed["caller"] == "admin"
    assert listed["status"] == 200 and listed["query"] == "page_size=3"
    assert missing["operation_id"] == "GetProject" and missing["status"] == 404
    assert anonymous["caller"] is None and anonymous["status"] == 401
    only = api.get("/_mock/journal", params={"after": after, "status": 404}).json()["entries"]
    assert [e["path"] for e in only] == ["/api/v2/projects/missing"]


def test_bodies_when_enabled(api):
    api.put("/_mock/journal/config", json={"record_bodies": True})
    try:
        after = _last(api)
        api.post("/api/v2/auth/validate_key", json={"audience": "API"}, headers=auth())
        entry = api.get("/_mock/journal", params={"after": after,
                                                  "operation_id": "ValidateAPIKey"}
                        ).json()["entries"][0]
        assert entry["request_body"] == {"audience": "API"}
        assert entry["response_body"]["valid"] is True
    finally:
        api.put("/_mock/journal/config", json={"record_bodies": False})


def test_bounded_size():
    from tests.conftest import make_asgi_client

    with make_asgi_client(journal_size=5) as client:
        for _ in range(12):
            client.get("/api/v2/projects", headers=auth())
        entries = client.get("/_mock/journal").json()["entries"]
        assert len(entries) == 5 and entries[-1]["id"] == 12


def test_wait_returns_as_soon_as_the_call_arrives(live_server):
    with live_server.client() as client:
        project = make_project(client)
        job = make_job(client, project["id"])
        after = _last(client)

        def later():
            time.sleep(0.3)
            with live_server.client() as other:
                other.post(f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs",
                           headers=auth())

        thread = threading.Thread(target=later)
        started = time.monotonic()
        thread.start()
        waited = client.get("/_mock/journal/wait", params={
            "operation_id": "CreateJobRun", "after": after, "timeout": 10}).json()
        elapsed = time.monotonic() - started
        thread.join()
        assert waited["matched"] is True and waited["entry"]["status"] == 200
        assert elapsed < 5


def test_wait_times_out(api):
    after = _last(api)
    waited = api.get("/_mock/journal/wait", params={
        "operation_id": "DeleteProject", "after": after + 1000, "timeout": 0.2}).json()
    assert waited == {"matched": False, "entry": None}


def test_clear(api):
    api.get("/api/v2/projects", headers=auth())
    assert api.delete("/_mock/journal").json() == {}
    assert api.get("/_mock/journal").json()["entries"] == []
