"""Crash and restart: SIGKILL a server on a SQLite file while it writes, start it again.

Every write the server acknowledged before the kill is there after the restart (each id
answers 200), and every job run, caught in each phase of its lifecycle, goes on: its status
right after the restart is the one its planned timestamps imply at the server's clock, it
never moves backwards in the phase order, and each ends with its scripted outcome.
A second kill after the clock was moved forward loses neither the clock nor the outcomes.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from mockcml.core.contract import load_contract
from tests.helpers import RUNTIME, LiveServer, auth, unique
from tests.robustness import build_world

pytestmark = pytest.mark.live

H = auth()
STOPPING_SECONDS = 30
ORDER = {"ENGINE_SCHEDULING": 0, "ENGINE_STARTING": 1, "ENGINE_RUNNING": 2,
         "ENGINE_STOPPING": 3, "ENGINE_SUCCEEDED": 4, "ENGINE_FAILED": 4,
         "ENGINE_TIMEDOUT": 4, "ENGINE_STOPPED": 4}
SLACK = 1.5  # seconds either side of a phase boundary in which both phases are accepted


@dataclass
class Planned:
    """A run and the lifecycle its environment variables script (seconds at time scale 1)."""

    name: str
    scheduling: float
    starting: float
    running: float
    outcome: str
    before_kill: str | None  # the status it must have just before the kill
    stop: bool = False
    id: str = ""
    created: float = 0.0
    stopped_at: float | None = None

    @property
    def final(self) -> str:
        if self.stop:
            return "ENGINE_STOPPED"
        return {"succeeded": "ENGINE_SUCCEEDED", "failed": "ENGINE_FAILED",
                "timedout": "ENGINE_TIMEDOUT"}[self.outcome]

    def status_at(self, now: float) -> str:
        if self.stopped_at is not None:
            if now >= self.stopped_at + STOPPING_SECONDS:
                return "ENGINE_STOPPED"
            return "ENGINE_STOPPING" if now >= self.stopped_at else "ENGINE_RUNNING"
        starting = self.created + self.scheduling
        running = starting + self.starting
        finished = running + self.running
        if now >= finished:
            return self.final
        if now >= running:
            return "ENGINE_RUNNING"
        return "ENGINE_STARTING" if now >= starting else "ENGINE_SCHEDULING"

    def acceptable(self, low: float, high: float) -> set[str]:
        """Statuses implied anywhere in [low - SLACK, high + SLACK]."""
        first, last = self.status_at(low - SLACK), self.status_at(high + SLACK)
        return {s for s, rank in ORDER.items()
                if ORDER[first] <= rank <= ORDER[last] and (rank < 4 or s == self.final)}


def _runs() -> list[Planned]:
    return [
        Planned("scheduling", 60, 5, 5, "succeeded", "ENGINE_SCHEDULING"),
        Planned("starting", 0, 60, 5, "failed", "ENGINE_STARTING"),
        Planned("running", 0, 0, 60, "timedout", "ENGINE_RUNNING"),
        Planned("stopping", 0, 0, 3600, "succeeded", "ENGINE_STOPPING", stop=True),
        Planned("finished", 0, 0, 0, "succeeded", "ENGINE_SUCCEEDED"),
        # Crosses its phases in real time around the restart.
        Planned("quick", 3, 3, 5, "failed", None),
    ]


def _clock(client: httpx.Client) -> float:
    return client.get("/_mock/clock").json()["epoch"]


def _check_wire(run: dict) -> None:
    """The status agrees with the timestamps the run shows (phases not reached are left out)."""
    status = run["status"]
    rank = ORDER[status]
    assert ("finished_at" in run) == (rank == 4), run
    if status == "ENGINE_RUNNING":
        assert "running_at" in run, run
    if status == "ENGINE_STARTING":
        assert "starting_at" in run and "running_at" not in run, run
    if status == "ENGINE_SCHEDULING":
        assert "starting_at" not in run and "running_at" not in run, run


def _writer(url: str, project: str, acked: list[str], stop: threading.Event) -> None:
    with httpx.Client(base_url=url, timeout=5) as client:
        while not stop.is_set():
            try:
                response = client.post(f"/api/v2/projects/{project}/jobs", headers=H, json={
                    "name": unique("w"), "script": "w.py", "runtime_identifier": RUNTIME})
            except httpx.HTTPError:
                return  # the server is gone
            if response.status_code == 200:
                acked.append(response.json()["id"])


def _get_urls(world) -> list[str]:  # noqa: ANN001
    """A GET of every contract operation whose path the world fills with real ids."""
    urls = []
    for op in load_contract().operations:
        if op.method != "GET" or not op.path_params:
            continue
        url = world.url(op)
        if "zzzz-0000" not in url and "/users/" not in url:
            urls.append(url)
    return urls


def test_sigkill_and_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    env = {"MOCKCML_TIME_SCALE": "1", "MOCKCML_STOPPING_SECONDS": str(STOPPING_SECONDS)}
    first = LiveServer("--db", db, env=env).start()
    planned = _runs()
    seen: dict[str, list[str]] = {run.name: [] for run in planned}  # every status read
    acked: list[str] = []
    stop = threading.Event()
    writers: list[threading.Thread] = []
    try:
        with first.client() as client:
            world = build_world(client, "mockcml-admin-key", "admin")
            pid, jid = world.ids["project"], world.ids["job"]
            runs_url = f"/api/v2/projects/{pid}/jobs/{jid}/runs"
            for run in planned:
                env_vars = {"MOCKCML_SCHEDULING_DURATION": str(run.scheduling),
                            "MOCKCML_STARTING_DURATION": str(run.starting),
                            "MOCKCML_DURATION": str(run.running),
                            "MOCKCML_OUTCOME": run.outcome}
                response = client.post(runs_url, headers=H, json={"environment": env_vars})
                assert response.status_code == 200, response.text
                body = response.json()
                run.id = body["id"]
                run.created = _created(body)
                if run.stop:
                    before = _clock(client)
                    stopped = client.post(f"{runs_url}/{run.id}:stop", headers=H)
                    assert stopped.status_code == 200, stopped.text
                    run.stopped_at = (before + _clock(client)) / 2
            for run in planned:
                low = _clock(client)
                got = client.get(f"{runs_url}/{run.id}", headers=H).json()
                _check_wire(got)
                assert got["status"] in run.acceptable(low, _clock(client)), (run.name, got)
                seen[run.name].append(got["status"])
                if run.before_kill is not None:
                    assert got["status"] == run.before_kill, (run.name, got)
            urls = _get_urls(world)
            for url in urls:
                assert client.get(url, headers=H).status_code == 200, url
            # Writers keep creating jobs while the server is killed.
            writers += [threading.Thread(target=_writer, args=(first.url, pid, acked, stop))
                        for _ in range(4)]
            for thread in writers:
                thread.start()
            time.sleep(1.5)
    finally:
        first.stop(kill=True)
    stop.set()
    for thread in writers:
        thread.join(timeout=30)
    assert first.proc.returncode == -9, first.proc.returncode
    assert len(acked) >= 8, f"the writers got only {len(acked)} answers before the kill"

    second = LiveServer("--db", db, env=env).start()
    try:
        with second.client() as client:
            for url in urls:
                assert client.get(url, headers=H).status_code == 200, url
            for job in acked:
                response = client.get(f"/api/v2/projects/{pid}/jobs/{job}", headers=H)
                assert response.status_code == 200, (job, response.text)
            listed = client.get(f"/api/v2/projects/{pid}/jobs", headers=H,
                                params={"page_size": 100000}).json()["jobs"]
            assert set(acked) <= {j["id"] for j in listed}
            # The restarted server takes writes again.
            more = client.post(f"/api/v2/projects/{pid}/jobs", headers=H, json={
                "name": unique("after"), "script": "a.py", "runtime_identifier": RUNTIME})
            assert more.status_code == 200, more.text
            # Status right after the restart: the one the planned timestamps imply.
            for run in planned:
                low = _clock(client)
                got = client.get(f"{runs_url}/{run.id}", headers=H).json()
                high = _clock(client)
                _check_wire(got)
                assert got["status"] in run.acceptable(low, high), (run.name, got, low, high)
                seen[run.name].append(got["status"])
            # The quick run finishes in real time; the others after a jump of the clock.
            quick = next(r for r in planned if r.name == "quick")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                for run in planned:
                    got = client.get(f"{runs_url}/{run.id}", headers=H).json()
                    _check_wire(got)
                    seen[run.name].append(got["status"])
                if seen["quick"][-1] == quick.final:
                    break
                time.sleep(0.25)
            assert seen["quick"][-1] == quick.final, seen["quick"]
            advanced = client.post("/_mock/clock/advance", json={"by": "2h"})
            assert advanced.status_code == 200, advanced.text
            final = {}
            for run in planned:
                got = client.get(f"{runs_url}/{run.id}", headers=H).json()
                _check_wire(got)
                seen[run.name].append(got["status"])
                final[run.name] = got
                assert got["status"] == run.final, (run.name, got)
    finally:
        second.stop(kill=True)

    third = LiveServer("--db", db, env=env).start()
    try:
        with third.client() as client:
            for run in planned:
                got = client.get(f"{runs_url}/{run.id}", headers=H).json()
                seen[run.name].append(got["status"])
                assert got == final[run.name], (run.name, got, final[run.name])
            for url in urls:
                assert client.get(url, headers=H).status_code == 200, url
    finally:
        third.stop()
    for server in (first, second, third):
        assert b"Traceback" not in server.log, server.log[-3000:]
    for name, statuses in seen.items():
        ranks = [ORDER[s] for s in statuses]
        assert ranks == sorted(ranks), (name, statuses)
        assert len({s for s in statuses if ORDER[s] == 4}) <= 1, (name, statuses)


def _created(run: dict) -> float:
    from mockcml.kit.wire import parse_timestamp

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", run["created_at"]), run
    return parse_timestamp(run["created_at"])
