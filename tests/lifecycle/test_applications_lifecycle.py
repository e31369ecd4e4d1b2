"""Every lifecycle path of an application, driven by a frozen clock moved by hand.

Default phases (mock seconds, time scale 1 here): STARTING 5 s, STOPPING 2 s.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.kit.wire import parse_timestamp
from mockcml.resources.applications import lifecycle
from mockcml.settings import Settings
from tests.helpers import RUNTIME, assert_envelope, auth, make_project, unique

STARTING, STOPPING = lifecycle.STARTING_SECONDS, lifecycle.STOPPING_SECONDS


class Apps:
    def __init__(self, clocked) -> None:  # noqa: ANN001
        self.c = clocked
        self.project = make_project(clocked.client)

    def url(self, app=None, verb=""):
        base = f"/api/v2/projects/{self.project['id']}/applications"
        return f"{base}/{app['id']}{verb}" if app else base

    def create(self, **fields):
        body = {"name": unique("app"), "subdomain": unique("sub"), "script": "app.py",
                "runtime_identifier": RUNTIME, **fields}
        response = self.c.client.post(self.url(), json=body, headers=auth())
        assert response.status_code == 200, response.text
        return response.json()

    def get(self, app):
        return self.c.client.get(self.url(app), headers=auth()).json()

    def status(self, app):
        return self.get(app)["status"]

    def verb(self, app, verb):
        return self.c.client.post(self.url(app, f":{verb}"), headers=auth())

    def ids(self, **search):
        response = self.c.client.get(self.url(), headers=auth(), params={
            "page_size": 100, "search_filter": json.dumps(search)})
        assert response.status_code == 200, response.text
        return {a["id"] for a in response.json()["applications"]}

    def advance(self, seconds):
        self.c.advance(seconds)


@pytest.fixture
def apps(clocked) -> Apps:
    return Apps(clocked)


def _gap(later: str, earlier: str) -> float:
    return round(parse_timestamp(later) - parse_timestamp(earlier), 3)


def test_create_starts_at_once_then_runs_for_good(apps):
    app = apps.create()
    assert app["status"] == "APPLICATION_STARTING"
    assert app["starting_at"] == app["created_at"]
    assert "running_at" not in app and "stopped_at" not in app
    apps.advance(STARTING - 0.001)
    assert apps.status(app) == "APPLICATION_STARTING"
    apps.advance(0.001)
    running = apps.get(app)
    assert running["status"] == "APPLICATION_RUNNING"
    assert _gap(running["running_at"], running["starting_at"]) == STARTING
    apps.advance(30 * 24 * 3600)
    later = apps.get(app)
    assert later == running  # nothing moves once it runs, and a GET writes nothing
    assert later["updated_at"] == app["updated_at"]


def test_two_reads_at_the_same_clock_time_agree(apps):
    app = apps.create()
    apps.advance(2)
    assert apps.get(app) == apps.get(app)
    listed = apps.c.client.get(apps.url(), headers=auth()).json()["applications"]
    assert listed == [apps.get(app)]


@pytest.mark.parametrize("at, phase", [(1, "STARTING"), (STARTING + 10, "RUNNING")])
def test_stop_from_each_active_phase(apps, at, phase):
    app = apps.create()
    apps.advance(at)
    assert apps.status(app) == f"APPLICATION_{phase}"
    stop = apps.verb(app, "stop")
    assert stop.status_code == 200 and stop.json()["status"] == "APPLICATION_STOPPING"
    assert "stopped_at" not in stop.json()
    apps.advance(STOPPING - 0.001)
    assert apps.status(app) == "APPLICATION_STOPPING"
    apps.advance(0.001)
    stopped = apps.get(app)
    assert stopped["status"] == "APPLICATION_STOPPED"
    assert _gap(stopped["stopped_at"], stop.json()["updated_at"]) == STOPPING
    # a stop during STARTING means RUNNING was never reached
    assert ("running_at" in stopped) is (phase == "RUNNING")
    apps.advance(3600)
    assert apps.get(app) == stopped


def test_stopping_twice_is_harmless_stopping_a_stopped_app_is_refused(apps):
    app = apps.create()
    first = apps.verb(app, "stop").json()
    apps.advance(1)
    second = apps.verb(app, "stop")
    assert second.status_code == 200 and second.json() == apps.get(app)
    assert second.json()["updated_at"] == first["updated_at"]  # nothing changed
    apps.advance(STOPPING)
    before = apps.get(app)
    assert before["status"] == "APPLICATION_STOPPED"
    body = assert_envelope(apps.verb(app, "stop"), 400, 9)
    assert "not running" in body["message"]
    assert apps.get(app) == before


@pytest.mark.parametrize("state", ["running", "stopped", "failed", "starting"])
def test_restart_from_each_state(apps, state):
    env = {"MOCKCML_OUTCOME": "failed"} if state == "failed" else {}
    app = apps.create(environment=env)
    apps.advance(1 if state == "starting" else STARTING + 1)
    if state == "stopped":
        apps.verb(app, "stop")
        apps.advance(STOPPING)
    before = apps.get(app)
    assert before["status"] == f"APPLICATION_{state.upper()}"
    if state == "failed":
        apps.c.client.patch(apps.url(app), headers=auth(), json={"environment": "{}"})
    restarted = apps.verb(app, "restart")
    assert restarted.status_code == 200, restarted.text
    now = restarted.json()
    assert now["status"] == "APPLICATION_STARTING"
    assert now["starting_at"] == now["updated_at"] != before["starting_at"]
    assert "running_at" not in now and "stopped_at" not in now
    assert now["created_at"] == app["created_at"]
    apps.advance(STARTING)
    running = apps.get(app)
    assert running["status"] == "APPLICATION_RUNNING"
    assert _gap(running["running_at"], now["starting_at"]) == STARTING


def test_restart_while_stopping_is_refused(apps):
    app = apps.create()
    apps.verb(app, "stop")
    before = apps.get(app)
    body = assert_envelope(apps.verb(app, "restart"), 400, 9)
    assert "stopping" in body["message"]
    assert apps.get(app) == before
    apps.advance(STOPPING)
    assert apps.verb(app, "restart").json()["status"] == "APPLICATION_STARTING"


def test_scripted_failure_of_the_start(apps):
    app = apps.create(environment={"MOCKCML_OUTCOME": "failed"})
    apps.advance(STARTING - 0.001)
    assert apps.status(app) == "APPLICATION_STARTING"
    apps.advance(0.001)
    failed = apps.get(app)
    assert failed["status"] == "APPLICATION_FAILED"
    assert "running_at" not in failed
    assert _gap(failed["stopped_at"], failed["starting_at"]) == STARTING
    body = assert_envelope(apps.verb(app, "stop"), 400, 9)
    assert "APPLICATION_FAILED" in body["message"]
    assert apps.get(app) == failed


def test_scripted_crash_after_running_a_while(apps):
    app = apps.create(environment={"MOCKCML_OUTCOME": "failed", "MOCKCML_DURATION": "30"})
    apps.advance(STARTING)
    assert apps.status(app) == "APPLICATION_RUNNING"
    apps.advance(30 - 0.001)
    assert apps.status(app) == "APPLICATION_RUNNING"
    apps.advance(0.001)
    crashed = apps.get(app)
    assert crashed["status"] == "APPLICATION_FAILED" and "running_at" in crashed
    assert _gap(crashed["stopped_at"], crashed["running_at"]) == 30


def test_stop_before_a_scripted_crash_wins(apps):
    app = apps.create(environment={"MOCKCML_OUTCOME": "failed", "MOCKCML_DURATION": "30"})
    apps.advance(STARTING + 1)
    apps.verb(app, "stop")
    apps.advance(3600)
    assert apps.status(app) == "APPLICATION_STOPPED"


def test_scripted_phase_lengths(apps):
    app = apps.create(environment={"MOCKCML_STARTING_DURATION": "20",
                                   "MOCKCML_STOPPING_DURATION": "0.5"})
    apps.advance(19.9)
    assert apps.status(app) == "APPLICATION_STARTING"
    apps.advance(0.1)
    assert apps.status(app) == "APPLICATION_RUNNING"
    apps.verb(app, "stop")
    apps.advance(0.5)
    assert apps.status(app) == "APPLICATION_STOPPED"


def test_patching_the_environment_applies_at_the_next_restart(apps):
    app = apps.create()
    apps.advance(STARTING)
    patched = apps.c.client.patch(apps.url(app), headers=auth(),
                                  json={"environment": '{"MOCKCML_OUTCOME":"failed"}'})
    assert patched.status_code == 200 and patched.json()["status"] == "APPLICATION_RUNNING"
    apps.advance(3600)
    assert apps.status(app) == "APPLICATION_RUNNING"
    apps.verb(app, "restart")
    apps.advance(STARTING)
    assert apps.status(app) == "APPLICATION_FAILED"


def test_a_script_queued_through_the_control_plane_applies_to_the_next_restart(apps):
    app = apps.create()
    queued = apps.c.client.post("/_mock/outcomes", json={
        "kind": "application", "id": app["id"], "outcome": "failed", "starting": 1,
        "running": 10})
    assert queued.status_code == 200, queued.text
    apps.advance(STARTING)
    assert apps.status(app) == "APPLICATION_RUNNING"  # queued scripts wait for a start
    apps.verb(app, "restart")
    apps.advance(1)
    assert apps.status(app) == "APPLICATION_RUNNING"
    apps.advance(10)
    assert apps.status(app) == "APPLICATION_FAILED"
    # the script was used up: the next start is a default one
    apps.verb(app, "restart")
    apps.advance(3600)
    assert apps.status(app) == "APPLICATION_RUNNING"


def test_queued_failure_and_the_environment_winning_over_it(apps):
    app = apps.create(environment={"MOCKCML_STARTING_DURATION": "3"})
    for _ in range(2):
        apps.c.client.post("/_mock/outcomes", json={
            "kind": "application", "id": app["id"], "outcome": "timedout", "starting": 50})
    apps.verb(app, "restart")
    apps.advance(3)
    failed = apps.get(app)
    assert failed["status"] == "APPLICATION_FAILED" and "running_at" not in failed
    apps.c.client.patch(apps.url(app), headers=auth(),
                        json={"environment": '{"MOCKCML_OUTCOME":"running"}'})
    apps.verb(app, "restart")
    apps.advance(50)
    assert apps.status(app) == "APPLICATION_RUNNING"
    assert apps.c.client.get("/_mock/outcomes").json()["queued"] == []


def test_list_filters_and_sorts_by_the_derived_status(apps):
    starting = apps.create(environment={"MOCKCML_STARTING_DURATION": "100"})
    running = apps.create()
    stopping = apps.create(environment={"MOCKCML_STOPPING_DURATION": "100"})
    stopped = apps.create()
    failed = apps.create(environment={"MOCKCML_OUTCOME": "failed"})
    apps.verb(stopping, "stop")
    apps.verb(stopped, "stop")
    apps.advance(STARTING + STOPPING)
    expected = {"starting": starting, "running": running, "stopping": stopping,
                "stopped": stopped, "failed": failed}
    for name, app in expected.items():
        assert apps.ids(status=name) == {app["id"]}, name
    listed = apps.c.client.get(apps.url(), headers=auth(), params={"sort": "status"}).json()
    statuses = [a["status"] for a in listed["applications"]]
    assert statuses == sorted(statuses)
    # the clock moves every app at once: the slow starter is up after its 100 s
    apps.advance(100)
    assert apps.ids(status="running") == {starting["id"], running["id"]}
    assert apps.ids(status="stopping") == set()


def test_durations_follow_the_time_scale() -> None:
    app = create_app(Settings(time_scale=0.1))
    with TestClient(app, raise_server_exceptions=False) as client:
        clock = app.state.mock.clock
        clock.freeze()
        project = make_project(client)
        url = f"/api/v2/projects/{project['id']}/applications"
        created = client.post(url, headers=auth(), json={
            "name": "scaled", "subdomain": unique("scaled"), "script": "a.py",
            "runtime_identifier": RUNTIME}).json()
        clock.advance(STARTING * 0.1)
        got = client.get(f"{url}/{created['id']}", headers=auth()).json()
        assert got["status"] == "APPLICATION_RUNNING"
        assert _gap(got["running_at"], got["starting_at"]) == STARTING * 0.1


def _status_pairs() -> Iterator[tuple[str, str]]:
    for status, moves in lifecycle.TRANSITIONS.items():
        for target in moves.values():
            yield status, target


def test_lifecycle_table_matches_the_reference_moves():
    pairs = set(_status_pairs())
    # every transition of the reference's lifecycle, plus the restarts
    assert {(lifecycle.STARTING, lifecycle.RUNNING), (lifecycle.STARTING, lifecycle.FAILED),
            (lifecycle.STARTING, lifecycle.STOPPING), (lifecycle.RUNNING, lifecycle.STOPPING),
            (lifecycle.RUNNING, lifecycle.FAILED), (lifecycle.STOPPING, lifecycle.STOPPED),
            (lifecycle.STOPPED, lifecycle.STARTING)} <= pairs
    assert not lifecycle.allows(lifecycle.STOPPED, ":stop")
    assert not lifecycle.allows(lifecycle.STOPPING, ":restart")
    assert set(lifecycle.FILTER_NAMES) == {"running", "stopping", "stopped", "starting",
                                           "failed"}
