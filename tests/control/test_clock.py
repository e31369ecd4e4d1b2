"""/_mock/clock: read, advance, scale, freeze; lifecycles follow the clock."""

from __future__ import annotations

import pytest

from tests.helpers import assert_envelope, auth, make_job, make_project


def test_read_clock(api):
    clock = api.get("/_mock/clock").json()
    assert set(clock) == {"now", "epoch", "offset_seconds", "frozen", "time_scale"}
    assert clock["now"].endswith("Z")


@pytest.mark.parametrize("by, seconds", [("90s", 90), ("2h", 7200), ("1h30m", 5400), (15, 15),
                                         ("500ms", 0.5)])
def test_advance_parses_durations(api, by, seconds):
    api.post("/_mock/clock/freeze")
    try:
        before = api.get("/_mock/clock").json()["epoch"]
        after = api.post("/_mock/clock/advance", json={"by": by}).json()["epoch"]
        assert after - before == pytest.approx(seconds)
    finally:
        api.post("/_mock/clock/unfreeze")


@pytest.mark.parametrize("by", ["-5s", "soon", "5 parsecs", True, "inf", "nan", "1e999"])
def test_bad_durations_are_400(api, by):
    assert_envelope(api.post("/_mock/clock/advance", json={"by": by}), 400, 3)


def test_freeze_and_unfreeze(api):
    frozen = api.post("/_mock/clock/freeze").json()
    assert frozen["frozen"] is True
    assert api.get("/_mock/clock").json()["epoch"] == frozen["epoch"]
    thawed = api.post("/_mock/clock/unfreeze").json()
    assert thawed["frozen"] is False and thawed["epoch"] >= frozen["epoch"]


def test_advance_moves_a_run_through_its_lifecycle():
    from tests.conftest import make_asgi_client

    with make_asgi_client(time_scale=1) as client:
        project = make_project(client)
        job = make_job(client, project["id"])
        run = client.post(f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs",
                          headers=auth(), json={"environment": {"MOCKCML_DURATION": "3600"}}
                          ).json()
        url = f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs/{run['id']}"
        client.post("/_mock/clock/advance", json={"by": "30m"})
        assert client.get(url, headers=auth()).json()["status"] == "ENGINE_RUNNING"
        client.post("/_mock/clock/advance", json={"by": "31m"})
        assert client.get(url, headers=auth()).json()["status"] == "ENGINE_SUCCEEDED"


def test_hourly_cron_fires_twice_on_a_two_hour_jump_in_order():
    from datetime import UTC, datetime

    from tests.conftest import make_asgi_client

    with make_asgi_client(time_scale=0) as client:
        client.post("/_mock/clock/freeze")
        now = client.get("/_mock/clock").json()["epoch"]
        top = datetime.fromtimestamp(now, UTC).replace(minute=0, second=0, microsecond=0)
        client.post("/_mock/clock/advance", json={"by": top.timestamp() + 3630 - now})
        project = make_project(client)
        job = make_job(client, project["id"], schedule="0 * * * *", timezone="UTC")
        client.post("/_mock/clock/advance", json={"by": "2h"})
        runs = client.get(f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs",
                          headers=auth(), params={"sort": "created_at"}).json()["job_runs"]
        assert len(runs) == 2 and runs[0]["created_at"] < runs[1]["created_at"]


def test_scale_applies_to_new_runs():
    from tests.conftest import make_asgi_client

    with make_asgi_client(time_scale=1) as client:
        assert client.post("/_mock/clock/scale", json={"time_scale": 0}).json()["time_scale"] == 0
        project = make_project(client)
        job = make_job(client, project["id"])
        run = client.post(f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs",
                          headers=auth()).json()
        assert run["status"] == "ENGINE_SUCCEEDED"
        assert_envelope(client.post("/_mock/clock/scale", json={"time_scale": -1}), 400, 3)


def test_clock_survives_a_restart(tmp_path):
    from tests.helpers import LiveServer

    db = str(tmp_path / "clock.db")
    with LiveServer("--db", db) as server, server.client() as client:
        client.post("/_mock/clock/advance", json={"by": "10d"})
        advanced = client.get("/_mock/clock").json()["offset_seconds"]
    with LiveServer("--db", db) as server, server.client() as client:
        assert client.get("/_mock/clock").json()["offset_seconds"] == pytest.approx(advanced)
