"""The job-run lifecycle, declared for the engine (``mockcml.lifecycle.engine``).

    created --> ENGINE_SCHEDULING --> ENGINE_STARTING --> ENGINE_RUNNING --> final_status
    :stop in SCHEDULING, STARTING or RUNNING --> ENGINE_STOPPING --> ENGINE_STOPPED

A run's whole life is planned when it is created, from its script (settings, the job's
``simulate``, a queued script, the run's environment) and the time scale; the outcome
(succeeded, failed, timedout) is stored in ``final_status`` in advance.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockcml.lifecycle import engine
from mockcml.lifecycle.engine import Lifecycle, Phase, Stop

SCHEDULING, STARTING, RUNNING = "ENGINE_SCHEDULING", "ENGINE_STARTING", "ENGINE_RUNNING"
STOPPING, STOPPED = "ENGINE_STOPPING", "ENGINE_STOPPED"
SUCCEEDED, FAILED, TIMEDOUT = "ENGINE_SUCCEEDED", "ENGINE_FAILED", "ENGINE_TIMEDOUT"
SKIPPED, UNKNOWN = "ENGINE_SKIPPED", "ENGINE_UNKNOWN"

TERMINAL = (SUCCEEDED, FAILED, TIMEDOUT, STOPPED, SKIPPED)
OUTCOMES = {"succeeded": SUCCEEDED, "failed": FAILED, "timedout": TIMEDOUT}
# ListJobRuns filters statuses by these lower-case names.
FILTER_NAMES = {
    "scheduling": SCHEDULING, "starting": STARTING, "running": RUNNING, "stopping": STOPPING,
    "stopped": STOPPED, "succeeded": SUCCEEDED, "failed": FAILED, "timedout": TIMEDOUT,
    "skipped": SKIPPED, "unknown": UNKNOWN,
}

JOB_RUN = Lifecycle(
    name="job run",
    initial=SCHEDULING,  # from scheduling_at, which is the creation time
    phases=(Phase(STARTING, "starting_at"), Phase(RUNNING, "running_at"),
            Phase(None, "finished_at", outcomes=(SUCCEEDED, FAILED, TIMEDOUT))),
    terminal=TERMINAL,
    lengths={"scheduling": "scheduling_seconds", "starting": "starting_seconds",
             "running": "running_seconds"},
    stop=Stop(at="stop_at", ends="finished_at", stopping=STOPPING,
              stoppable=(SCHEDULING, STARTING, RUNNING), seconds="stopping_seconds",
              forget=("starting_at", "running_at"), stopped=STOPPED),
)


@dataclass(frozen=True)
class Script:
    """How a run will behave, in mock seconds (before the time scale is applied)."""

    scheduling: float
    starting: float
    running: float
    outcome: str = "succeeded"  # succeeded, failed or timedout
    message: str = ""


@dataclass(frozen=True)
class Plan:
    scheduling_at: float
    starting_at: float
    running_at: float
    finished_at: float
    final_status: str
    message: str


def outcome_of(script: Script, timeout: float, kill_on_timeout: bool) -> tuple[float, str, str]:
    """(running length, final status, message): a job timeout caps the running phase.

    A job timeout is mock time like the script, so both are scaled together: a run
    scripted for 30 s under a 10 s timeout times out after 10 scaled seconds.
    """
    running, final, message = script.running, OUTCOMES[script.outcome], script.message
    if kill_on_timeout and timeout > 0 and running > timeout:
        running, final = timeout, TIMEDOUT
        message = message or f"run exceeded the job timeout of {timeout:g}s"
    if final == FAILED and not message:
        message = "run failed (scripted outcome)"
    return running, final, message


def plan(created_at: float, script: Script, scale: float, timeout: float = 0.0,
         kill_on_timeout: bool = False) -> Plan:
    """When each phase of a new run begins and how it ends."""
    running, final, message = outcome_of(script, timeout, kill_on_timeout)
    scheduling, starting, running_at, finished = engine.plan(
        created_at, (script.scheduling, script.starting, running), scale)
    return Plan(scheduling, starting, running_at, finished, final_status=final, message=message)


def is_active(status: str) -> bool:
    """Scheduling, starting, running or stopping: the run has not finished."""
    return status in JOB_RUN.stop.stoppable or status == STOPPING  # type: ignore[union-attr]
