"""Load: 50 clients creating projects, jobs and runs against ``--workers 2`` on PostgreSQL.

Every call must answer below 500, and afterwards the API must list exactly what the
clients were told they created. MOCKCML_LOAD_SECONDS sets how long the clients run
(default 60; CI runs it once at full length).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter

import httpx
import pytest

from tests.helpers import RUNTIME, auth
from tests.workers.conftest import running, serve

pytestmark = pytest.mark.slow

CLIENTS = 50
SECONDS = float(os.environ.get("MOCKCML_LOAD_SECONDS", "60"))


class Load:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.statuses: Counter[int] = Counter()
        self.projects: set[str] = set()
        self.jobs: dict[str, str] = {}  # job id: project id
        self.runs: Counter[str] = Counter()  # job id: runs created
        self.errors: list[str] = []

    async def post(self, path: str, body: dict) -> dict | None:
        response = await self.client.post(path, json=body, headers=auth())
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.errors.append(f"{path}: {response.status_code} {response.text[:200]}")
        return response.json() if response.status_code == 200 else None

    async def one_client(self, number: int, deadline: float) -> None:
        """Each round: a project, a job in it, then runs of that job."""
        round_ = 0
        while time.monotonic() < deadline:
            round_ += 1
            project = await self.post("/api/v2/projects", {"name": f"p{number}-{round_}"})
            if project is None:
                continue
            self.projects.add(project["id"])
            job = await self.post(f"/api/v2/projects/{project['id']}/jobs", {
                "name": "job", "script": "main.py", "runtime_identifier": RUNTIME})
            if job is None:
                continue
            self.jobs[job["id"]] = project["id"]
            for _ in range(3):
                run = await self.post(
                    f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs", {})
                if run is not None:
                    self.runs[job["id"]] += 1


async def _pages(client: httpx.AsyncClient, path: str, key: str) -> list[dict]:
    items, token = [], ""
    while True:
        response = await client.get(path, params={"page_size": 1000, "page_token": token},
                                    headers=auth())
        assert response.status_code == 200, response.text
        body = response.json()
        items += body[key]
        token = body.get("next_page_token") or ""
        if not token:
            return items


async def _run(url: str) -> Load:
    # The client drops an idle connection before the server would (keep_alive_timeout,
    # 5 s): with both at 5 s, a request sent on a connection the server is closing at that
    # moment fails (ReadError), as with any HTTP server; clients must expire first.
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS,
                          keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        load = Load(client)
        deadline = time.monotonic() + SECONDS
        await asyncio.gather(*(load.one_client(n, deadline) for n in range(CLIENTS)))
        # What the API lists is exactly what the clients were told they created.
        projects = await _pages(client, "/api/v2/projects", "projects")
        assert {p["id"] for p in projects} == load.projects
        jobs = await _pages(client, "/api/v2/jobs", "jobs")
        assert {j["id"] for j in jobs} == set(load.jobs)
        sem = asyncio.Semaphore(CLIENTS)

        async def runs_of(job_id: str) -> tuple[str, int]:
            async with sem:
                runs = await _pages(
                    client, f"/api/v2/projects/{load.jobs[job_id]}/jobs/{job_id}/runs",
                    "job_runs")
                return job_id, len(runs)

        counted = dict(await asyncio.gather(*(runs_of(j) for j in load.jobs)))
        assert counted == {j: load.runs[j] for j in load.jobs}
        return load


def test_fifty_clients_on_two_workers(database):
    with running(serve(database, "--workers", "2", "--log-level", "error")) as server:
        load = asyncio.run(_run(server.url))
    print(f"{sum(load.statuses.values())} calls in {SECONDS:.0f} s: {len(load.projects)} "
          f"projects, {len(load.jobs)} jobs, {sum(load.runs.values())} runs")
    assert not load.errors, load.errors[:5]
    assert set(load.statuses) == {200}, load.statuses
    assert load.projects and sum(load.runs.values()) >= len(load.projects)
