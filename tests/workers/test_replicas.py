"""Two processes on one PostgreSQL database answer as one server (shared_state=database).

Each request goes to the replica the test names, so a change made through one and read
through the other the very next moment shows that nothing lives in one process only.
"""

from __future__ import annotations

import threading
import time

import pytest

from tests.helpers import assert_envelope, auth, make_job, make_project

pytestmark = pytest.mark.slow


def test_a_fault_added_through_one_faults_the_next_call_to_the_other(replicas):
    one, two = replicas
    with one.client() as a, two.client() as b:
        fault = a.post("/_mock/faults", json={"operation_id": "ListProjects", "status": 503,
                                              "count": 3}).json()
        assert_envelope(b.get("/api/v2/projects", headers=auth()), 503, 14)
        assert_envelope(a.get("/api/v2/projects", headers=auth()), 503, 14)
        assert_envelope(b.get("/api/v2/projects", headers=auth()), 503, 14)
        # Three calls spent the count, whichever replica served them.
        assert b.get("/api/v2/projects", headers=auth()).status_code == 200
        assert a.get("/api/v2/projects", headers=auth()).status_code == 200
        listed = b.get("/_mock/faults").json()["faults"]
        assert [(f["id"], f["count"], f["hits"]) for f in listed] == [(fault["id"], 0, 3)]
        # Removed through the other replica: gone for both.
        assert b.delete(f"/_mock/faults/{fault['id']}").status_code == 200
        assert a.get("/_mock/faults").json() == {"faults": []}


def test_an_unlimited_delay_fault_is_seen_across(replicas):
    one, two = replicas
    with one.client() as a, two.client() as b:
        a.post("/_mock/faults", json={"operation_id": "ListRuntimes", "delay": 0.3})
        import time

        started = time.monotonic()
        assert b.get("/api/v2/runtimes", headers=auth()).status_code == 200
        assert time.monotonic() - started >= 0.3
        b.delete("/_mock/faults")
        started = time.monotonic()
        assert a.get("/api/v2/runtimes", headers=auth()).status_code == 200
        assert time.monotonic() - started < 0.3


def test_the_clock_moved_through_one_moves_both(replicas):
    one, two = replicas
    with one.client() as a, two.client() as b:
        a.post("/_mock/clock/freeze")
        moved = a.post("/_mock/clock/advance", json={"by": "2h"}).json()
        seen = b.get("/_mock/clock").json()
        assert seen["frozen"] is True and seen["epoch"] == moved["epoch"]
        # API answers of the other replica use the moved clock too.
        project = make_project(b)
        assert project["created_at"] == moved["now"]
        b.post("/_mock/clock/scale", json={"time_scale": 0.5})
        assert a.get("/_mock/clock").json()["time_scale"] == 0.5
        b.post("/_mock/clock/unfreeze")
        assert a.get("/_mock/clock").json()["frozen"] is False


def test_advances_through_both_at_once_add_up(replicas):
    one, two = replicas
    with one.client() as a:
        a.post("/_mock/clock/freeze")
        before = a.get("/_mock/clock").json()["epoch"]

    def advance(server) -> None:  # noqa: ANN001
        with server.client() as client:
            for _ in range(10):
                assert client.post("/_mock/clock/advance", json={"by": 60}).status_code == 200

    threads = [threading.Thread(target=advance, args=(s,)) for s in (one, two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with one.client() as a, two.client() as b:
        # 20 advances of a minute, none lost to the other worker's advance at that moment.
        assert a.get("/_mock/clock").json()["epoch"] == before + 20 * 60
        assert b.get("/_mock/clock").json()["epoch"] == before + 20 * 60
        a.post("/_mock/clock/unfreeze")


def test_freezes_through_one_never_lose_advances_through_the_other(replicas):
    one, two = replicas
    with one.client() as a:
        before = a.post("/_mock/clock/freeze").json()["epoch"]
    started = time.monotonic()

    def toggle(server) -> None:  # noqa: ANN001
        with server.client() as client:
            for _ in range(10):
                assert client.post("/_mock/clock/unfreeze").status_code == 200
                assert client.post("/_mock/clock/freeze").status_code == 200

    def advance(server) -> None:  # noqa: ANN001
        with server.client() as client:
            for _ in range(10):
                assert client.post("/_mock/clock/advance", json={"by": 60}).status_code == 200

    threads = [threading.Thread(target=toggle, args=(one,)),
               threading.Thread(target=advance, args=(two,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with one.client() as a, two.client() as b:
        after = a.post("/_mock/clock/freeze").json()["epoch"]
        assert b.get("/_mock/clock").json()["epoch"] == after
        # Every advance counted (a freeze computed from a stale offset would drop one),
        # plus at most the real time spent unfrozen.
        assert 600 <= after - before <= 600 + time.monotonic() - started + 1
        a.post("/_mock/clock/unfreeze")


def test_a_snapshot_saved_on_one_is_restored_on_the_other(replicas):
    one, two = replicas
    with one.client() as a, two.client() as b:
        kept = make_project(a)
        assert a.post("/_mock/snapshots", json={"name": "base"}).status_code == 200
        assert [s["name"] for s in b.get("/_mock/snapshots").json()["snapshots"]] == ["base"]
        later = make_project(a)
        assert b.post("/_mock/snapshots/base/restore").status_code == 200
        ids = {p["id"] for p in a.get("/api/v2/projects", headers=auth()).json()["projects"]}
        assert kept["id"] in ids and later["id"] not in ids
        # A restore keeps the snapshots, and a delete through one is seen by the other.
        assert b.delete("/_mock/snapshots/base").status_code == 200
        assert a.get("/_mock/snapshots").json() == {"snapshots": []}
        assert_envelope(a.post("/_mock/snapshots/base/restore"), 404, 5)


def test_journal_wait_on_one_sees_a_call_served_by_the_other(replicas):
    one, two = replicas
    with one.client() as a, two.client() as b:
        last = b.get("/_mock/journal").json()["entries"]
        after = last[-1]["id"] if last else 0
        answer: dict = {}

        def wait() -> None:
            answer.update(a.get("/_mock/journal/wait", params={
                "operation_id": "CreateProject", "after": after, "timeout": 10}).json())

        waiter = threading.Thread(target=wait)
        waiter.start()
        project = make_project(b)
        waiter.join(15)
        assert answer["matched"] is True
        assert answer["entry"]["path"] == "/api/v2/projects"
        assert answer["entry"]["status"] == 200
        # Both replicas list the same entries, bodies kept once switched on through one.
        a.put("/_mock/journal/config", json={"record_bodies": True})
        make_job(b, project["id"])
        # A worker writes its journal entries just after answering (batched): the other
        # one sees them once written, which /_mock/journal/wait is for.
        seen = a.get("/_mock/journal/wait", params={"operation_id": "CreateJob", "after": after,
                                                    "timeout": 10}).json()
        assert seen["matched"] is True, seen
        entries = a.get("/_mock/journal", params={"operation_id": "CreateJob"}).json()["entries"]
        assert entries[-1]["request_body"]["script"] == "main.py"
        assert b.get("/_mock/journal").json() == a.get("/_mock/journal").json()


def test_an_outcome_queued_through_one_scripts_a_run_on_the_other(replicas):
    one, two = replicas
    with one.client() as a, two.client() as b:
        project = make_project(a)
        job = make_job(a, project["id"])
        queued = a.post("/_mock/outcomes", json={"id": job["id"], "outcome": "failed"})
        assert queued.status_code == 200
        run = b.post(f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs", json={},
                     headers=auth())
        assert run.status_code == 200
        got = a.get(f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs/{run.json()['id']}",
                    headers=auth()).json()
        assert got["status"] == "ENGINE_FAILED"
        assert b.get("/_mock/outcomes").json()["queued"] == a.get("/_mock/outcomes").json()["queued"]


def test_style_and_unknown_fields_are_shared(replicas):
    one, two = replicas
    with one.client() as a, two.client() as b:
        a.put("/_mock/response-style", json={"style": "sparse"})
        assert b.get("/_mock/response-style").json()["style"] == "sparse"
        missing = b.get("/api/v2/projects/nope", headers=auth())
        assert set(missing.json()) == {"code", "message"}  # sparse errors, on the other one
        a.post("/_mock/reset")
        assert b.get("/_mock/response-style").json()["style"] == "full"
        b.post("/api/v2/projects", json={"name": "p1", "descripton": "typo"}, headers=auth())
        fields = a.get("/_mock/unknown-fields").json()["unknown_fields"]
        assert [f["field"] for f in fields] == ["descripton"]
        a.delete("/_mock/unknown-fields")
        assert b.get("/_mock/unknown-fields").json()["unknown_fields"] == []


def test_a_dependent_run_exists_once_whichever_replica_looks(replicas):
    """A parent run created through one replica finishes at once (time scale 0); the other
    replica's next request must find its dependent run, and the two schedulers together
    must start it exactly once."""
    one, two = replicas
    with one.client() as a, two.client() as b:
        project = make_project(a)
        for _ in range(5):
            parent = make_job(a, project["id"])
            child = make_job(a, project["id"], parent_job_id=parent["id"])
            started = a.post(f"/api/v2/projects/{project['id']}/jobs/{parent['id']}/runs",
                             json={}, headers=auth())
            assert started.status_code == 200
            runs = f"/api/v2/projects/{project['id']}/jobs/{child['id']}/runs"
            assert len(b.get(runs, headers=auth()).json()["job_runs"]) == 1
            assert len(a.get(runs, headers=auth()).json()["job_runs"]) == 1
