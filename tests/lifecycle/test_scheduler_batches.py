"""The scheduler fires from batches read into memory (lifecycle/agenda.py): the result is the
same as firing one event at a time, across batch and step boundaries.

A day of a minutely cron is 1,440 ticks, more than one batch of due times (agenda.BATCH),
each tick's run starts two dependent runs when it finishes: every tick fires once, at its
minute, and every dependent run is created exactly at its parent's finish. A new run that
no poke announced (CreateJobRun tells the scheduler its finish instead) still starts its
dependent when it ends, with no request to catch up.
"""

from __future__ import annotations

import time
from collections import Counter

from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.kit.sql import fetch_all
from mockcml.lifecycle import agenda
from mockcml.settings import Settings
from tests.helpers import auth, make_job, make_project

MINUTE_START = 1_800_000_000.0  # on a minute


def _runs(mock) -> list:  # noqa: ANN001
    def read() -> list:
        with mock.db.connection() as db:
            return fetch_all(db, "SELECT r.*, j.name AS job FROM job_runs r "
                                 "JOIN jobs j ON j.id = r.job_id")
    return mock.db.call(read)


def test_a_day_of_minutely_cron_with_dependents_fires_each_tick_once_in_order():
    app = create_app(Settings(time_scale=1, scheduling_seconds=1, starting_seconds=2,
                              running_seconds=10))
    with TestClient(app) as client:
        mock = app.state.mock
        mock.clock.restore(0.0, MINUTE_START)
        project = make_project(client)["id"]
        cron = make_job(client, project, name="cron", schedule="* * * * *", timezone="UTC")
        for name in ("first", "second"):
            make_job(client, project, name=name, parent_job_id=cron["id"])
        client.portal.call(mock.scheduler.stop)
        mock.clock.advance(86_400)
        steps = []
        while True:
            steps.append(mock.db.call(mock.scheduler.catch_up))
            if not mock.scheduler.dirty:
                break
        runs = _runs(mock)
    ticks = sorted(r.created_at for r in runs if r.trigger == "cron")
    assert 1440 > agenda.BATCH and len(steps) > 2
    assert ticks == [MINUTE_START + 60 * k for k in range(1, 1441)]
    by_id = {r.id: r for r in runs}
    dependents = [r for r in runs if r.trigger == "dependent"]
    # The last tick's run (at now) has not finished yet.
    assert Counter(r.job for r in dependents) == {"first": 1439, "second": 1439}
    for run in dependents:
        parent = by_id[run.trigger_key.removeprefix("after:")]
        assert run.created_at == parent.finished_at == parent.created_at + 13
    # Everything due by now has fired: finished runs settled, later ones not yet.
    now = MINUTE_START + 86_400
    assert all(bool(r.settled) == (r.finished_at <= now) for r in runs)
    assert mock.scheduler.next_due == min(
        [r.finished_at for r in runs if r.finished_at > now] + [now + 60])


def test_a_created_run_starts_its_dependent_without_any_request():
    app = create_app(Settings(time_scale=0))
    with TestClient(app) as client:
        mock = app.state.mock
        project = make_project(client)["id"]
        parent = make_job(client, project, name="parent")
        make_job(client, project, name="child", parent_job_id=parent["id"])
        response = client.post(f"/api/v2/projects/{project}/jobs/{parent['id']}/runs",
                               json={}, headers=auth())
        assert response.status_code == 200
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the database, not the API: no catch-up here
            if any(r.trigger == "dependent" for r in _runs(mock)):
                break
            time.sleep(0.01)
        runs = _runs(mock)
    child = [r for r in runs if r.trigger == "dependent"]
    assert len(child) == 1 and child[0].job == "child"
    assert child[0].trigger_key == f"after:{response.json()['id']}"
