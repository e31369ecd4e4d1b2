"""Concurrency: 50 clients at once create projects, jobs and runs, stop runs and list.

Against a live server, in memory and on a SQLite file: no answer is a 5xx, none mentions a
locked database, and afterwards every listing holds exactly the rows that were
acknowledged, each once, whether read in one page or walked page by page.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.helpers import RUNTIME, LiveServer, auth, unique

pytestmark = pytest.mark.live

CLIENTS = 50
JOBS = 2  # per client, in the client's own project
RUNS = 2  # per job
SHARED_JOBS = 2  # per client, all in one shared project
H = auth()
ALL = 100_000
ACTIVE = {"ENGINE_SCHEDULING", "ENGINE_STARTING", "ENGINE_RUNNING"}
STOPPING = {"ENGINE_STOPPING", "ENGINE_STOPPED"}


@dataclass
class Tally:
    """What one client was told: ids it created and every answer it got."""

    projects: list[str] = field(default_factory=list)
    jobs: dict[str, list[str]] = field(default_factory=dict)  # project -> jobs
    runs: dict[str, list[str]] = field(default_factory=dict)  # job -> runs
    stopped: set[str] = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def _call(client: httpx.Client, tally: Tally, method: str, url: str, **kwargs) -> httpx.Response:
    response = client.request(method, url, headers=H, **kwargs)
    tally.statuses[response.status_code] += 1
    if response.status_code >= 500 or "locked" in response.text.lower():
        tally.problems.append(f"{method} {url} -> {response.status_code} {response.text[:300]}")
    return response


def _created(response: httpx.Response, tally: Tally, what: str) -> str | None:
    if response.status_code != 200:
        tally.problems.append(f"creating {what}: {response.status_code} {response.text[:300]}")
        return None
    return response.json()["id"]


def _client(url: str, shared: str, start: threading.Barrier) -> Tally:
    tally = Tally()
    with httpx.Client(base_url=url, timeout=60) as client:
        start.wait(timeout=60)
        pid = _created(_call(client, tally, "POST", "/api/v2/projects",
                             json={"name": unique("conc")}), tally, "project")
        if pid is None:
            return tally
        tally.projects.append(pid)
        targets = [(pid, JOBS, RUNS), (shared, SHARED_JOBS, 1)]
        for project, njobs, nruns in targets:
            for _ in range(njobs):
                jid = _created(_call(client, tally, "POST", f"/api/v2/projects/{project}/jobs",
                                     json={"name": unique("job"), "script": "main.py",
                                           "runtime_identifier": RUNTIME}), tally, "job")
                if jid is None:
                    continue
                tally.jobs.setdefault(project, []).append(jid)
                for r in range(nruns):
                    runs_url = f"/api/v2/projects/{project}/jobs/{jid}/runs"
                    rid = _created(_call(client, tally, "POST", runs_url, json={
                        "environment": {"MOCKCML_DURATION": "3600"}}), tally, "run")
                    if rid is None:
                        continue
                    tally.runs.setdefault(jid, []).append(rid)
                    if r % 2 == 0:
                        stop = _call(client, tally, "POST", f"{runs_url}/{rid}:stop")
                        if stop.status_code == 200:
                            tally.stopped.add(rid)
                        else:
                            tally.problems.append(f"stop {rid}: {stop.status_code} {stop.text}")
                    # Reads interleaved with everybody else's writes.
                    _call(client, tally, "GET", runs_url, params={"page_size": 5})
                _call(client, tally, "GET", f"/api/v2/projects/{project}/jobs",
                      params={"page_size": 5, "sort": "-created_at"})
            _call(client, tally, "GET", "/api/v2/jobs", params={"page_size": 20})
            _call(client, tally, "GET", "/api/v2/projects", params={"page_size": 20})
    return tally


def _all(client: httpx.Client, url: str, key: str, **params) -> list[dict]:
    response = client.get(url, headers=H, params={"page_size": ALL, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("next_page_token", "") == "", "page_size 100000 left a next page"
    return body[key]


def _walk(client: httpx.Client, url: str, key: str, page_size: int) -> list[str]:
    """Every id of a listing, page by page."""
    ids: list[str] = []
    token = ""
    for _ in range(10_000):
        params = {"page_size": page_size, **({"page_token": token} if token else {})}
        response = client.get(url, headers=H, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        ids += [item["id"] for item in body[key]]
        token = body.get("next_page_token", "")
        if not token:
            return ids
    raise AssertionError(f"{url} never ran out of pages")


def _exactly(found: list[str], expected: list[str], what: str) -> None:
    duplicates = [i for i, n in Counter(found).items() if n > 1]
    assert not duplicates, f"{what}: duplicated {duplicates}"
    assert set(found) == set(expected), (
        f"{what}: lost {set(expected) - set(found)}, unexpected {set(found) - set(expected)}")
    assert len(expected) == len(set(expected))


@pytest.mark.parametrize("storage", ["memory", "file"])
def test_fifty_clients_at_once(storage: str, tmp_path: Path) -> None:
    args = ("--db", str(tmp_path / "x.db")) if storage == "file" else ()
    # Real time: runs stay active (an hour long) so that stops race with everything else.
    server = LiveServer(*args, env={"MOCKCML_TIME_SCALE": "1", "MOCKCML_STOPPING_SECONDS": "1"})
    with server, server.client() as admin:
        shared = admin.post("/api/v2/projects", headers=H, json={"name": unique("shared")})
        assert shared.status_code == 200, shared.text
        shared_id = shared.json()["id"]
        start = threading.Barrier(CLIENTS)
        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            futures = [pool.submit(_client, server.url, shared_id, start) for _ in range(CLIENTS)]
            tallies = [f.result(timeout=240) for f in futures]
        elapsed = time.monotonic() - began
        problems = [p for t in tallies for p in t.problems]
        assert not problems, f"{len(problems)} problems, first: {problems[:5]}"
        statuses = sum((t.statuses for t in tallies), Counter())
        assert set(statuses) == {200}, statuses

        projects = [shared_id] + [p for t in tallies for p in t.projects]
        jobs: dict[str, list[str]] = {}
        runs: dict[str, list[str]] = {}
        for t in tallies:
            for project, ids in t.jobs.items():
                jobs.setdefault(project, []).extend(ids)
            runs.update(t.runs)
        stopped = set().union(*(t.stopped for t in tallies))
        assert len(projects) == CLIENTS + 1
        assert len(jobs[shared_id]) == CLIENTS * SHARED_JOBS
        assert sum(map(len, runs.values())) == CLIENTS * (JOBS * RUNS + SHARED_JOBS)

        _exactly([p["id"] for p in _all(admin, "/api/v2/projects", "projects")], projects,
                 "ListProjects")
        every_job = [j for ids in jobs.values() for j in ids]
        _exactly([j["id"] for j in _all(admin, "/api/v2/jobs", "jobs")], every_job, "ListAllJobs")
        _exactly(_walk(admin, "/api/v2/jobs", "jobs", 7), every_job, "ListAllJobs paged")
        _exactly(_walk(admin, "/api/v2/projects", "projects", 6), projects, "ListProjects paged")
        for project, ids in jobs.items():
            url = f"/api/v2/projects/{project}/jobs"
            _exactly([j["id"] for j in _all(admin, url, "jobs")], ids, f"ListJobs {project}")
            for jid in ids:
                listed = _all(admin, f"{url}/{jid}/runs", "job_runs")
                _exactly([r["id"] for r in listed], runs[jid], f"ListJobRuns {jid}")
                for run in listed:
                    expected = STOPPING if run["id"] in stopped else ACTIVE
                    assert run["status"] in expected, (run["id"], run["status"])
        _exactly(_walk(admin, f"/api/v2/projects/{shared_id}/jobs", "jobs", 9), jobs[shared_id],
                 "ListJobs shared, paged")
        assert admin.get("/_mock/health").status_code == 200
    assert elapsed < 240, elapsed
    # Nothing went wrong quietly either: no traceback, no lock timeout in the server's log.
    assert b"Traceback" not in server.log and b"locked" not in server.log, server.log[-3000:]
