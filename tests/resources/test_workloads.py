"""Workloads and usage, read off the job runs, applications and deployments and the clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.conftest import make_asgi_client
from tests.helpers import ADMIN_KEY, assert_envelope, auth
from tests.robustness import build_world

USAGE, SERIES = "/api/v2/usage", "/api/v2/ts_data"
EXECUTIONS = "/api/v2/workloads/executions"


@pytest.fixture
def client():
    """Real time scale on a frozen clock: only /_mock/clock/advance moves the workloads."""
    with make_asgi_client(time_scale=1) as c:
        assert c.post("/_mock/clock/freeze").status_code == 200
        yield c


def _get(client, path, key=ADMIN_KEY, **params):
    response = client.get(path, headers=auth(key), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _advance(client, by):
    assert client.post("/_mock/clock/advance", json={"by": by}).status_code == 200


def _world(client):
    world = build_world(client, ADMIN_KEY, "admin", running=True)
    _advance(client, "1m")
    return world


def _usage(client, **params):
    return {row["workload_type"]: row
            for row in _get(client, USAGE, page_size=100, **params)["usage_response"]}


def _last(client, kind="cpu", **params):
    values = _get(client, SERIES, series_type=kind, **params)["result"]["values"]
    return int(values[-1]["count"])


def test_admin_views_are_refused_to_ordinary_keys(world):
    for path in (USAGE, SERIES, EXECUTIONS, "/api/v2/workloadstatus", "/api/v2/workloadtypes"):
        assert_envelope(world.get(path), 401, 16)
    for path in (USAGE, SERIES, EXECUTIONS):
        assert_envelope(world.get(path, headers=auth("alice-key")), 403, 7)
    assert _get(world, "/api/v2/workloadtypes", "alice-key") == {
        "workload_type": ["job", "application", "model"]}


def test_workload_status_shows_the_callers_own_running_work(client):
    _world(client)
    assert _get(client, "/api/v2/workloadstatus") == {"workload_status": ["running"]}
    from mockcml.resources.users.service import add_key, create_user

    with client.app.state.mock.db.transaction() as session:
        add_key(session, create_user(session, "zoe"), "zoe-key")
    assert _get(client, "/api/v2/workloadstatus", "zoe-key") == {"workload_status": []}


def test_usage_lists_each_workload_and_grows_with_the_clock(client):
    world = _world(client)
    rows = _usage(client)
    assert set(rows) == {"job", "application", "model"}
    assert rows["job"]["id"] == world.ids["job_run"]
    assert rows["application"]["id"] == world.ids["application"]
    assert rows["model"]["id"] == world.ids["deployment"]
    assert all(row["status"] == "running" for row in rows.values())
    assert rows["model"]["memory"] == 2.0 and rows["job"]["cpu"] == 1.0
    before = {kind: int(row["duration"]) for kind, row in rows.items()}
    _advance(client, "10m")
    after = {kind: int(row["duration"]) for kind, row in _usage(client).items()}
    assert {kind: after[kind] - before[kind] for kind in after} == {
        "job": 600, "application": 600, "model": 600}
    body = _get(client, USAGE, page_size=2, sort="workload_type")
    assert body["total_count"] == "3" and len(body["usage_response"]) == 2
    assert [r["workload_type"] for r in body["usage_response"]] == ["application", "job"]
    rest = _get(client, USAGE, page_size=2, sort="workload_type",
                page_token=body["next_page_token"])
    assert [r["workload_type"] for r in rest["usage_response"]] == ["model"]


def test_usage_filters_and_window(client):
    world = _world(client)
    assert set(_usage(client, search_filter=json.dumps({"workload_type": "app"}))) == {
        "application"}
    by_name = _usage(client, multi_column_search_filter=json.dumps(
        {"project_or_workload_name": f"{world.marker}-app"}))
    assert set(by_name) == {"application"}
    early = json.dumps({"created_time": {"end": "2000-01-01T00:00:00Z"}})
    empty = _get(client, USAGE, time_range_search_filter=early)
    assert empty["usage_response"] == [] and empty["total_count"] == "0"
    epoch = client.get("/_mock/clock").json()["epoch"]
    start = datetime.fromtimestamp(epoch - 30, UTC).isoformat()
    # Only the last 30 s of each running workload fall in a window that began 30 s ago.
    rows = _usage(client, time_range_search_filter=json.dumps({"created_time": {"start": start}}))
    assert set(rows) == {"job", "application", "model"}
    assert {row["duration"] for row in rows.values()} == {"30"}


def test_time_series_adds_up_what_is_running(client):
    world = _world(client)
    assert (_last(client, "cpu"), _last(client, "memory"), _last(client, "gpu")) == (3, 4, 0)
    base = f"/api/v2/projects/{world.ids['project']}/applications/{world.ids['application']}"
    assert client.post(f"{base}:stop", headers=auth()).status_code == 200
    _advance(client, "2m")
    assert (_last(client, "cpu"), _last(client, "memory")) == (2, 3)
    values = _get(client, SERIES)["result"]["values"]
    assert int(values[0]["count"]) == 0  # an hour ago nothing ran
    stamps = [int(v["time_stamp"]) for v in values]
    assert stamps == sorted(stamps) and len(stamps) <= 61
    # The last point is the clock's now, whatever the window's length.
    epoch = client.get("/_mock/clock").json()["epoch"]
    assert stamps[-1] == int(epoch * 1000)
    wide = json.dumps({"created_time": {"start": "2000-01-01T00:00:00Z",
                                        "end": "2999-01-01T00:00:00Z"}})
    values = _get(client, SERIES, time_range_search_filter=wide)["result"]["values"]
    assert int(values[-1]["time_stamp"]) == int(epoch * 1000) and len(values) <= 61
    assert int(values[-1]["count"]) == 2


def test_executions_and_their_workloads(client):
    world = _world(client)
    body = _get(client, EXECUTIONS, sort="start_time")
    assert len(body["executions"]) == 3 and len(body["workloads"]) == 3
    crns = {w["workload_type"]: w["workload_crn"] for w in body["workloads"]}
    assert crns["job"].endswith(f"/job/{world.ids['job']}")
    job = next(e for e in body["executions"] if e["workload_crn"] == crns["job"])
    assert job["status"] == "running" and "end_time" not in job
    assert job["runtime"]["kernel"] == "Python 3.11" and job["allocated_cpu_cores"] == 1.0
    only = _get(client, EXECUTIONS, multi_column_search_filter=json.dumps(
        {"workload_crn": crns["application"]}))
    assert [w["workload_type"] for w in only["workloads"]] == ["application"]
    paged = _get(client, EXECUTIONS, page_size=1)
    assert len(paged["executions"]) == 1 and paged["next_page_token"]
    assert _get(client, EXECUTIONS, search_filter=json.dumps({"status": "failed"}))[
        "executions"] == []


@pytest.mark.parametrize("path,params", [
    (SERIES, {"series_type": "disk"}), (SERIES, {"page_token": "x"}),
    (USAGE, {"time_range_search_filter": "[1]"}),
    (USAGE, {"time_range_search_filter": '{"created_time":{"start":"soon"}}'}),
    (USAGE, {"time_range_search_filter": '{"updated_time":{}}'}),
    (USAGE, {"time_range_search_filter": json.dumps({"created_time": {
        "start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}})}),
    (USAGE, {"multi_column_search_filter": '{"owner":"x"}'}),
    (USAGE, {"sort": "duration"}), (USAGE, {"search_filter": '{"cpus":"1"}'}),
    (USAGE, {"search_filter": '{"duration":"1"}'}),  # derived from the window: no column
    (EXECUTIONS, {"sort": "name"}), (EXECUTIONS, {"page_token": "nope"}),
    (EXECUTIONS, {"time_range_search_filter": '{"created_time":{}}'}),
])
def test_bad_parameters_are_400(client, path, params):
    assert_envelope(client.get(path, headers=auth(), params=params), 400, 3)


def test_dashboards_archive_drops_finished_workloads_only(client):
    world = _world(client)
    base = f"/api/v2/projects/{world.ids['project']}/applications/{world.ids['application']}"
    client.post(f"{base}:stop", headers=auth())
    _advance(client, "1m")
    assert_envelope(client.post("/api/v2/dashboardsarchive/0", headers=auth("nobody")), 401, 16)
    assert_envelope(client.post("/api/v2/dashboardsarchive/x", headers=auth()), 400, 3)
    assert_envelope(client.post("/api/v2/dashboardsarchive/-1", headers=auth()), 400, 3)
    assert client.post("/api/v2/dashboardsarchive/1", headers=auth()).json() == {}
    assert set(_usage(client)) == {"job", "application", "model"}  # stopped a minute ago
    assert client.post("/api/v2/dashboardsarchive/0", headers=auth()).json() == {}
    assert set(_usage(client)) == {"job", "model"}
    # The application itself is still there.
    assert client.get(base, headers=auth()).status_code == 200


def test_archiving_is_for_site_admins(world):
    assert_envelope(world.post("/api/v2/dashboardsarchive/0", headers=auth("alice-key")),
                    403, 7)
