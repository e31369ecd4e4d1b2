"""Job runs of fixture files: the lifecycle facts of history and of runs in progress.

A run states its status at load time; the part of its life before that is taken as
written, the part after it is planned like a new run's (``timeline.replay``, the lifecycle
engine's). Validation reports the problems, the loader stores the (clamped) facts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mockcml.fixtures.timeline import BOUNDARY, Defaults, Problems, at, human, replay, worded
from mockcml.lifecycle import engine
from mockcml.lifecycle.engine import Clamp
from mockcml.resources.job_runs import lifecycle as runs

FINISHED = ("succeeded", "failed", "timedout", "stopped", "skipped", "unknown")
# Phase k of a run starts at BOUNDARY[k] and lasts PHASE[k].
PHASE = ("scheduling", "starting", "running")
_DEFAULT_MESSAGE = {"failed": "run failed (scripted outcome)",
                    "timedout": "run exceeded its timeout", "stopped": "stopped by request"}


@dataclass
class Facts:
    """The columns of a JobRun row that describe its lifecycle."""

    scheduling_at: float
    starting_at: float | None
    running_at: float | None
    finished_at: float | None
    stop_at: float | None
    final_status: str
    message: str
    settled: bool


@dataclass(frozen=True)
class JobPlan:
    """What a job says about its runs, worked out once per job."""

    durations: tuple[float, float, float]
    sim: dict[str, Any]
    timeout: float
    kill_on_timeout: bool


def job_plan(job: dict[str, Any], defaults: Defaults) -> JobPlan:
    sim = job.get("simulate") or {}
    lengths = tuple(float(sim[name]) if sim.get(name) is not None else getattr(defaults, name)
                    for name in PHASE)
    return JobPlan(lengths, sim, float(job.get("timeout") or 0),  # type: ignore[arg-type]
                   bool(job.get("kill_on_timeout")))


def run_facts(run: dict[str, Any], job: dict[str, Any], defaults: Defaults, now: float,
              plan: JobPlan | None = None) -> tuple[Facts, Problems]:
    """The lifecycle facts of one fixture run, and what is inconsistent about it.

    With problems the facts are still usable (clamped), which is what a reset needs when
    absolute timestamps have aged; validation reports the problems instead.
    """
    plan = plan or job_plan(job, defaults)
    problems: Problems = []
    status, sim = run["status"], plan.sim
    lengths = list(plan.durations)
    for k, name in enumerate(PHASE):
        if run.get(name) is not None:
            lengths[k] = float(run[name])
            if run.get(BOUNDARY[k + 1]) is not None:
                problems.append((BOUNDARY[k + 1], f"give {name} or {BOUNDARY[k + 1]}, not both"))
    created = at(run["created_at"], now)
    explicit = [None, *(at(run[b], now) if run.get(b) is not None else None
                        for b in BOUNDARY[1:])]
    message = run.get("message") or ""
    if status in FINISHED:
        if run.get("outcome") is not None:
            problems.append(("outcome", f"only a run in progress has an outcome; a {status} "
                                        "run has ended as its status says"))
        if status == "skipped":
            return _skipped(run, created, lengths, explicit, message, now, problems), problems
        b = replay(created, lengths, None, now, 1.0, status, "run", problems, explicit, "finish")
        if not message and status == "failed":
            message = sim.get("message") or ""
        return Facts(b[0], b[1], b[2], b[3], b[3] if status == "stopped" else None,
                     runs.FILTER_NAMES[status], message or _DEFAULT_MESSAGE.get(status, ""),
                     True), problems

    current = 2 if status == "stopping" else PHASE.index(status)
    for k in range(current + 1, 4):
        if run.get(BOUNDARY[k]) is not None:
            what = ("a run in progress has not finished" if k == 3
                    else f"a {status} run has not reached {PHASE[k]} yet")
            problems.append((BOUNDARY[k], f"{what}; give a duration instead"))
    outcome = run.get("outcome") or sim.get("outcome") or defaults.outcome
    capped = plan.kill_on_timeout and 0 < plan.timeout < lengths[2]
    script = runs.Script(*lengths, outcome=outcome,  # type: ignore[arg-type,misc]
                         message=message or ("" if capped else sim.get("message") or ""))
    lengths[2], final, planned = runs.outcome_of(script, plan.timeout, plan.kill_on_timeout)
    if status == "stopping":
        return _stopping(created, lengths, explicit, message, defaults, now, problems), problems
    b = replay(created, lengths, current, now, defaults.scale, status, "run", problems, explicit)
    return Facts(b[0], b[1], b[2], b[3], None, final, planned, False), problems


def _skipped(run: dict[str, Any], created: float, lengths: list[float],
             explicit: list[float | None], message: str, now: float,
             problems: Problems) -> Facts:
    for name in ("starting", "running", "starting_at", "running_at"):
        if run.get(name) is not None:
            problems.append((name, "a skipped run never starts"))
    clamps: list[Clamp] = []
    bounds = engine.history(created, lengths, 1, now, explicit, clamps)
    problems.extend(worded(c, lengths, "skipped", "run", "end") for c in clamps)
    finished = explicit[3] if explicit[3] is not None else bounds[1]
    if finished < created:
        problems.append(("finished_at", "is before created_at"))
        finished = created
    if finished > now and explicit[3] is None:
        problems.append((None, f"would be skipped only {human(finished - now)} from now; "
                               "a skipped run must have ended (make created_at earlier)"))
        finished = now
    return Facts(created, None, None, finished, None, runs.SKIPPED, message, True)


def _stopping(created: float, lengths: list[float], explicit: list[float | None],
              message: str, defaults: Defaults, now: float, problems: Problems) -> Facts:
    """Running until the stop was asked for; stopping takes its own (scaled) time."""
    b = replay(created, [*lengths[:2], math.inf], 2, now, defaults.scale, "stopping", "run",
               problems, explicit)
    stop_at = b[2] + lengths[2]
    if stop_at > now:
        problems.append(("running", f"the stop would be asked for only {human(stop_at - now)} "
                                    "from now (make running shorter)"))
        stop_at = now
    return Facts(b[0], b[1], b[2], now + defaults.stopping * defaults.scale, stop_at,
                 runs.STOPPED, message or _DEFAULT_MESSAGE["stopped"], False)
