"""Every lifecycle path of a job run, driven by a frozen clock moved by hand."""

from __future__ import annotations

import pytest

from tests.helpers import assert_envelope, auth


def test_success_path_with_timestamps_as_phases_are_reached(clocked):
    project, job = clocked.project_job()
    run = clocked.start(project, job)
    assert run["status"] == "ENGINE_SCHEDULING"
    assert "scheduling_at" in run and "starting_at" not in run and "finished_at" not in run
    expected = [(1, "ENGINE_STARTING", "starting_at"), (2, "ENGINE_RUNNING", "running_at"),
                (10, "ENGINE_SUCCEEDED", "finished_at")]
    for seconds, status, stamp in expected:
        clocked.advance(seconds - 0.001)
        assert clocked.get(run)["status"] != status
        clocked.advance(0.001)
        now = clocked.get(run)
        assert now["status"] == status and stamp in now


def test_two_reads_at_the_same_clock_time_agree(clocked):
    project, job = clocked.project_job()
    run = clocked.start(project, job)
    clocked.advance(2)
    assert clocked.get(run) == clocked.get(run)
    listed = clocked.runs(project, job)[0]
    assert listed == clocked.get(run)


def test_scripted_failure_through_the_run_environment(clocked):
    project, job = clocked.project_job()
    run = clocked.start(project, job, environment={"MOCKCML_OUTCOME": "failed",
                                                    "MOCKCML_DURATION": "4"})
    clocked.advance(1 + 2 + 3.9)
    assert clocked.get(run)["status"] == "ENGINE_RUNNING"
    clocked.advance(0.1)
    assert clocked.get(run)["status"] == "ENGINE_FAILED"


@pytest.mark.parametrize("env", [{"MOCKCML_OUTCOME": "exploded"}, {"MOCKCML_DURATION": "inf"},
                                 {"MOCKCML_DURATION": "-1"}, {"MOCKCML_STARTING_DURATION": "x"},
                                 {"MOCKCML_SCHEDULING_DURATION": "nan"}])
def test_bad_scripting_variable_is_400(clocked, env):
    project, job = clocked.project_job()
    response = clocked.client.post(
        f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs", headers=auth(),
        json={"environment": env})
    assert_envelope(response, 400, 3)
    assert clocked.runs(project, job) == []


def test_timeout_kills_the_run(clocked):
    project, job = clocked.project_job(timeout=5, kill_on_timeout=True)
    run = clocked.start(project, job)
    clocked.advance(3 + 4.9)
    assert clocked.get(run)["status"] == "ENGINE_RUNNING"
    clocked.advance(0.1)
    assert clocked.get(run)["status"] == "ENGINE_TIMEDOUT"


def test_timeout_without_kill_on_timeout_does_not_kill(clocked):
    project, job = clocked.project_job(timeout=5)
    run = clocked.start(project, job)
    clocked.advance(13)
    assert clocked.get(run)["status"] == "ENGINE_SUCCEEDED"


@pytest.mark.parametrize(
    "at, phase, has",
    [(0.5, "scheduling", {"scheduling_at"}),
     (2, "starting", {"scheduling_at", "starting_at"}),
     (5, "running", {"scheduling_at", "starting_at", "running_at"})],
)
def test_stop_in_each_active_phase(clocked, at, phase, has):
    project, job = clocked.project_job()
    run = clocked.start(project, job)
    clocked.advance(at)
    assert clocked.get(run)["status"] == f"ENGINE_{phase.upper()}"
    stop = clocked.client.post(
        f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs/{run['id']}:stop",
        headers=auth())
    assert stop.status_code == 200 and stop.json()["status"] == "ENGINE_STOPPING"
    clocked.advance(0.999)
    assert clocked.get(run)["status"] == "ENGINE_STOPPING"
    clocked.advance(0.001)
    stopped = clocked.get(run)
    assert stopped["status"] == "ENGINE_STOPPED" and "finished_at" in stopped
    stamps = {k for k in ("scheduling_at", "starting_at", "running_at") if k in stopped}
    assert stamps == has
    clocked.advance(100)
    assert clocked.get(run)["status"] == "ENGINE_STOPPED"


def test_stopping_twice_is_harmless_and_stopping_a_finished_run_is_refused(clocked):
    project, job = clocked.project_job()
    run = clocked.start(project, job)
    url = f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs/{run['id']}:stop"
    assert clocked.client.post(url, headers=auth()).json()["status"] == "ENGINE_STOPPING"
    assert clocked.client.post(url, headers=auth()).json()["status"] == "ENGINE_STOPPING"
    clocked.advance(5)
    before = clocked.get(run)
    assert before["status"] == "ENGINE_STOPPED"
    body = assert_envelope(clocked.client.post(url, headers=auth()), 400, 9)
    assert "finished" in body["message"]
    assert clocked.get(run) == before


def test_stop_missing_run_is_404(clocked):
    project, job = clocked.project_job()
    response = clocked.client.post(
        f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs/nope:stop", headers=auth())
    assert_envelope(response, 404, 5)


def test_dependent_job_starts_when_parent_succeeds(clocked):
    project, parent = clocked.project_job()
    from tests.helpers import make_job

    child = make_job(clocked.client, project["id"], parent_job_id=parent["id"])
    run = clocked.start(project, parent)
    clocked.advance(12.9)
    assert clocked.runs(project, child) == []
    clocked.advance(0.1)
    children = clocked.runs(project, child)
    assert len(children) == 1
    assert children[0]["created_at"] == clocked.get(run)["finished_at"]
    assert children[0]["status"] == "ENGINE_SCHEDULING"


def test_dependent_job_does_not_start_when_parent_fails(clocked):
    project, parent = clocked.project_job()
    from tests.helpers import make_job

    child = make_job(clocked.client, project["id"], parent_job_id=parent["id"])
    clocked.start(project, parent, environment={"MOCKCML_OUTCOME": "failed"})
    clocked.advance(60)
    assert clocked.runs(project, child) == []


def test_chain_of_dependents_runs_in_order_on_one_jump(clocked):
    project, first = clocked.project_job()
    from tests.helpers import make_job

    second = make_job(clocked.client, project["id"], parent_job_id=first["id"])
    third = make_job(clocked.client, project["id"], parent_job_id=second["id"])
    clocked.start(project, first)
    clocked.advance(3600)
    a, b, c = (clocked.runs(project, j)[0] for j in (first, second, third))
    assert a["finished_at"] == b["created_at"] and b["finished_at"] == c["created_at"]
    assert c["status"] == "ENGINE_SUCCEEDED"


def test_cron_fires_as_the_clock_passes_its_times(clocked):
    from datetime import UTC, datetime

    # Put the clock just after 10:00 UTC so the hours are easy to read.
    now = clocked.clock.now()
    top = datetime.fromtimestamp(now, UTC).replace(minute=0, second=0, microsecond=0)
    clocked.advance(top.timestamp() + 3600 + 60 - now)  # hh:01 of the next hour
    project, job = clocked.project_job(schedule="0 * * * *", timezone="UTC")
    assert clocked.runs(project, job) == []
    clocked.advance(2 * 3600)
    runs = clocked.runs(project, job, sort="created_at")
    assert len(runs) == 2
    stamps = [r["created_at"] for r in runs]
    assert all(s.endswith(":00:00Z") for s in stamps) and stamps == sorted(stamps)
    assert all(r["status"] == "ENGINE_SUCCEEDED" for r in runs)


def test_paused_cron_job_does_not_fire(clocked):
    project, job = clocked.project_job(schedule="*/10 * * * *", timezone="UTC", paused=True)
    clocked.advance(3600)
    assert clocked.runs(project, job) == []
    clocked.client.patch(f"/api/v2/projects/{project['id']}/jobs/{job['id']}",
                         json={"paused": False}, headers=auth())
    clocked.advance(3600)
    assert len(clocked.runs(project, job)) == 6


def test_retries_rerun_failed_runs_after_the_delay(clocked):
    project, job = clocked.project_job(retry_enabled=True, max_retry=2, retry_delay=60,
                                       environment={"MOCKCML_OUTCOME": "failed"})
    first = clocked.start(project, job)
    clocked.advance(13 + 59)
    assert len(clocked.runs(project, job)) == 1
    clocked.advance(1)
    runs = clocked.runs(project, job, sort="created_at")
    assert len(runs) == 2
    assert runs[1]["created_at"] == _plus(clocked.get(first)["finished_at"], 60)
    clocked.advance(3600)
    runs = clocked.runs(project, job, sort="created_at")
    assert len(runs) == 3 and all(r["status"] == "ENGINE_FAILED" for r in runs)


def test_no_retry_for_success_or_when_disabled(clocked):
    project, job = clocked.project_job(retry_enabled=True, max_retry=3)
    clocked.start(project, job)
    project2, job2 = clocked.project_job(environment={"MOCKCML_OUTCOME": "failed"})
    clocked.start(project2, job2)
    clocked.advance(3600)
    assert len(clocked.runs(project, job)) == 1 and len(clocked.runs(project2, job2)) == 1


def test_list_runs_filters_by_lower_case_status_and_sorts(clocked):
    project, job = clocked.project_job()
    fast = clocked.start(project, job, environment={"MOCKCML_DURATION": "1"})
    slow = clocked.start(project, job, environment={"MOCKCML_DURATION": "100"})
    failed = clocked.start(project, job, environment={"MOCKCML_OUTCOME": "failed",
                                                       "MOCKCML_DURATION": "1"})
    clocked.advance(10)
    import json

    def ids(status):
        return [r["id"] for r in clocked.runs(project, job,
                                              search_filter=json.dumps({"status": status}))]

    assert ids("succeeded") == [fast["id"]]
    assert ids("running") == [slow["id"]]
    assert ids("failed") == [failed["id"]]
    assert ids("scheduling") == []
    newest = clocked.runs(project, job, sort="-created_at", page_size=1)
    assert len(newest) == 1
    response = clocked.client.get(
        f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs", headers=auth(),
        params={"search_filter": json.dumps({"status": "ENGINE_RUNNING"})})
    assert_envelope(response, 400, 3)


def _plus(stamp: str, seconds: float) -> str:
    from mockcml.kit.wire import parse_timestamp, timestamp

    return timestamp(parse_timestamp(stamp) + seconds)
