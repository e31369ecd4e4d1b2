"""Experiment runs of fixture files: their times and logged metric values."""

from __future__ import annotations

from typing import Any

from mockcml.fixtures.facts import when
from mockcml.fixtures.timeline import Problems, at

RUN_TERMINAL = ("finished", "failed", "killed")
# A finished experiment run without end_time ended this long after it started.
RUN_LENGTH = 60.0


def experiment_run(run: dict[str, Any], default_start: float,
                   now: float) -> tuple[float, float | None, Problems]:
    """start_time and end_time of an experiment run."""
    problems: Problems = []
    start = when(run, "start_time", default_start, now)
    status = run.get("status")
    end = None
    if status in RUN_TERMINAL:
        end = when(run, "end_time", start + RUN_LENGTH, now)
        if end < start:
            problems.append(("end_time", "is before start_time"))
            end = start
    elif run.get("end_time") is not None:
        problems.append(("end_time", f"a {status} run has not ended; give end_time to a "
                                     "finished, failed or killed one"))
    return start, end, problems


def metric_rows(run: dict[str, Any], start: float, end: float | None,
                now: float) -> list[tuple[str, float, float, int]]:
    """(key, value, timestamp, step) of every logged value, in the order written: the
    n-th value of a history is step n, logged n seconds after the start (at most at the
    end of the run, or now)."""
    last = end if end is not None else now
    rows = []
    for key, history in (run.get("metrics") or {}).items():
        for position, (value, step, logged) in enumerate(history):
            stamp = at(logged, now) if logged is not None else min(start + position, last)
            rows.append((key, value, stamp, position if step is None else step))
    return rows
