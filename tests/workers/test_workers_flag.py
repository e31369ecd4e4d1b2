"""``mockcml serve --workers N``: refused without PostgreSQL; on PostgreSQL the workers seed
once and spend a fault's count exactly once between them."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.helpers import ROOT, RUNTIME, auth
from tests.workers.conftest import running, serve

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("db", [None, "state.sqlite"])
def test_several_workers_need_postgresql(db, tmp_path):
    args = ["--workers", "2"] + (["--db", str(tmp_path / db)] if db else [])
    done = subprocess.run([sys.executable, "-m", "mockcml", "serve", "--port", "1", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--workers 2 needs PostgreSQL" in done.stderr
    assert ("in memory" if db is None else "SQLite file") in done.stderr


def test_shared_state_database_needs_postgresql():
    done = subprocess.run([sys.executable, "-m", "mockcml", "serve", "--port", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "", "MOCKCML_SHARED_STATE": "database"})
    assert done.returncode == 2
    assert "shared_state=database needs PostgreSQL" in done.stderr


SCENARIO = f"""
users:
  - {{username: alice, api_keys: [alice-key]}}
runtimes: [{{image_identifier: {RUNTIME}}}]
projects:
  - {{name: etl, owner: alice}}
"""


def test_two_workers_act_as_one_server(database, tmp_path):
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO)
    with running(serve(database, "--workers", "2", "--fixtures", str(scenario))) as server:
        assert "workers:    2" in server.log.decode()

        def call(_: int) -> int:
            # A new connection each time, so that both workers take calls.
            return httpx.get(f"{server.url}/api/v2/projects", headers=auth("alice-key"),
                             timeout=30).status_code

        with server.client() as client:
            client.post("/_mock/faults", json={"operation_id": "ListProjects", "status": 503,
                                               "count": 5})
            with ThreadPoolExecutor(8) as pool:
                statuses = list(pool.map(call, range(40)))
            assert sorted(statuses).count(503) == 5 and statuses.count(200) == 35
            # Seeded once, however many workers started on the database.
            projects = client.get("/api/v2/projects", headers=auth("alice-key")).json()
            assert [p["name"] for p in projects["projects"]] == ["etl"]
            assert "fixtures were not applied" not in server.log.decode()
            moved = client.post("/_mock/clock/advance", json={"by": "1d"}).json()["offset_seconds"]
            offsets = {httpx.get(f"{server.url}/_mock/clock").json()["offset_seconds"]
                       for _ in range(10)}
            assert offsets == {moved}
        # Kept-alive connections opened at once are spread over the workers (one socket
        # each): with one shared socket, the first worker to wake took nearly all of them.
        clients = [httpx.Client(base_url=server.url, timeout=30) for _ in range(16)]
        try:
            with ThreadPoolExecutor(16) as pool:
                answers = list(pool.map(lambda c: c.get("/_mock/ready").json()["process"],
                                        clients))
        finally:
            for c in clients:
                c.close()
        assert len(set(answers)) == 2, answers
