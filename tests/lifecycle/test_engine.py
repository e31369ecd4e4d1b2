"""The job-run lifecycle as data: plans and statuses, without HTTP."""

from __future__ import annotations

from types import SimpleNamespace

from mockcml.resources.job_runs import lifecycle as engine
from mockcml.resources.job_runs.lifecycle import JOB_RUN, Script, plan


def _status(p, now, stop_at=None):
    row = SimpleNamespace(starting_at=p.starting_at, running_at=p.running_at,
                          finished_at=p.finished_at, stop_at=stop_at, final_status=p.final_status)
    return JOB_RUN.status_at(row, now)


def test_happy_path_phases_in_order():
    p = plan(100.0, Script(1, 2, 10), scale=1)
    assert (p.starting_at, p.running_at, p.finished_at) == (101, 103, 113)
    seen = [_status(p, t) for t in (100, 100.99, 101, 102.9, 103, 112.9, 113, 1e9)]
    assert seen == [engine.SCHEDULING, engine.SCHEDULING, engine.STARTING, engine.STARTING,
                    engine.RUNNING, engine.RUNNING, engine.SUCCEEDED, engine.SUCCEEDED]


def test_scale_zero_finishes_at_once():
    p = plan(5.0, Script(1, 2, 10), scale=0)
    assert p.finished_at == 5.0 and _status(p, 5.0) == engine.SUCCEEDED


def test_scale_shrinks_every_phase():
    p = plan(0.0, Script(1, 2, 10), scale=0.01)
    assert abs(p.finished_at - 0.13) < 1e-9


def test_timeout_is_scaled_with_the_script():
    p = plan(0.0, Script(0, 0, 30), scale=0.1, timeout=10, kill_on_timeout=True)
    assert p.final_status == engine.TIMEDOUT and abs(p.finished_at - 1.0) < 1e-9
    assert "timeout" in p.message


def test_timeout_without_kill_lets_the_run_finish():
    p = plan(0.0, Script(0, 0, 30), scale=1, timeout=10, kill_on_timeout=False)
    assert p.final_status == engine.SUCCEEDED and p.finished_at == 30


def test_scripted_failure_has_a_message():
    p = plan(0.0, Script(0, 0, 1, outcome="failed"), scale=1)
    assert p.final_status == engine.FAILED and p.message


def test_stop_request_shows_stopping_until_finished():
    p = plan(0.0, Script(1, 2, 10), scale=1)
    assert _status(p, 5, stop_at=4) == engine.STOPPING


def test_terminal_and_active_sets():
    assert set(engine.TERMINAL) == {engine.SUCCEEDED, engine.FAILED, engine.TIMEDOUT,
                                    engine.STOPPED, engine.SKIPPED}
    assert engine.is_active(engine.RUNNING) and not engine.is_active(engine.STOPPED)
    assert not engine.is_active(engine.UNKNOWN)
